// Test harness for Udsyn's browser journeys: starts the app on a free port against a fresh
// PostgreSQL database, launches Debian's Chromium through playwright-core, and checks pages
// with axe-core (vendored in ./vendor) plus screenshots at desktop and phone widths.
//
// Environment:
//   UDSYN_BIN        the udsyn binary (default: <repo>/target/debug/udsyn)
//   E2E_PG_URL       PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)
//   E2E_CHROMIUM     Chromium binary (default /usr/bin/chromium)
//
// Every checked page must be named in the accessibility statement's data
// (assets/tilgaengelighed.json, "pages", by route), and an axe violation fails the test unless the
// statement lists it for that route ("axe_violations"): the statement at /tilgaengelighed never
// says a page is free of violations while the suite finds one.

import { spawn, execFileSync } from 'node:child_process';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const SCREEN_DIR = path.join(REPO_ROOT, 'target', 'e2e-screens');
export const AXE_PATH = path.join(HERE, 'vendor', 'axe.min.js');
export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
export const INSTALL_HINT = 'apt-get update && apt-get install -y chromium chromium-driver';
export const DEMO_PASSWORD = 'udsyn-demo';
export const STATEMENT_PATH = path.join(REPO_ROOT, 'assets', 'tilgaengelighed.json');
/** The accessibility statement's data, as /tilgaengelighed renders it. */
export const STATEMENT = JSON.parse(fs.readFileSync(STATEMENT_PATH, 'utf8'));
export const USERS = {
  koordinator: { email: 'koordinator@demo.udsyn.dk', h1: 'Konsortiet' },
  skoleleder: { email: 'skoleleder@demo.udsyn.dk', h1: 'Engbakkeskolen (demo)' },
  medarbejder: { email: 'medarbejder@demo.udsyn.dk', h1: 'Mine mobiliteter' },
};

const PG_URL = (process.env.E2E_PG_URL || 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const DESKTOP = WIDTHS[0];

// ---------------------------------------------------------------------------------------------
// The app

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function pgArgs() {
  const u = new URL(PG_URL);
  return ['-h', u.hostname || '127.0.0.1', '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
}

/** Runs one SQL statement in the app's database with psql; its output, trimmed. */
export function sql(app, query) {
  return execFileSync('psql', [...pgArgs(), '-d', app.database, '-v', 'ON_ERROR_STOP=1', '-qtAc', query],
    { encoding: 'utf8' }).trim();
}

function dropDatabase(name) {
  try {
    execFileSync('psql', [...pgArgs(), '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc',
      `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    console.error(`# could not drop database ${name}: ${e.stderr || e.message}`);
  }
}

const running = new Set();
process.on('exit', () => {
  for (const app of running) {
    try { app.child.kill('SIGKILL'); } catch { /* already gone */ }
    dropDatabase(app.database);
  }
});

/**
 * Starts `udsyn serve --demo` on a free port with a fresh database; resolves when /healthz is 200.
 * `env(baseURL)`, if given, returns settings to add (for instance single sign-on's).
 */
export async function startApp({ env: extraEnv } = {}) {
  const bin = process.env.UDSYN_BIN ? path.resolve(process.env.UDSYN_BIN) : path.join(REPO_ROOT, 'target', 'debug', 'udsyn');
  if (!fs.existsSync(bin)) {
    throw new Error(`The udsyn binary ${bin} does not exist: run \`cargo build\` in ${REPO_ROOT} or set UDSYN_BIN.`);
  }
  const port = await freePort();
  const database = `udsyn_e2e_${crypto.randomBytes(6).toString('hex')}`;
  // A temporary working directory, so that a developer's .env in the repo is not read.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'udsyn-e2e-app-'));
  const env = { ...process.env };
  for (const k of ['BIND', 'PUBLIC_URL', 'COOKIE_SECURE', 'UDSYN_DATA_DIR', 'SESSION_IDLE_MINUTES']) delete env[k];
  Object.assign(env, {
    DATABASE_URL: `${PG_URL}/${database}`,
    COOKIE_SECURE: 'false',
    RUST_LOG: process.env.RUST_LOG || 'udsyn=warn,tower_http=warn,sqlx=warn',
  });
  if (extraEnv) Object.assign(env, extraEnv(`http://127.0.0.1:${port}`));
  const child = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
    cwd, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  const app = { child, database, port, baseURL: `http://127.0.0.1:${port}`, log: () => log };
  running.add(app);

  app.stop = async () => {
    if (!running.has(app)) return;
    running.delete(app);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(t);
    }
    dropDatabase(database);
    fs.rmSync(cwd, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      await app.stop();
      throw new Error(`udsyn stopped before it was ready (${JSON.stringify(exited)}):\n${log}`);
    }
    try {
      const r = await fetch(`${app.baseURL}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`udsyn did not answer /healthz within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return app;
}

// ---------------------------------------------------------------------------------------------
// The browser

/** Launches headless Chromium (Playwright gives it a fresh temporary --user-data-dir). */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium was not found at ${CHROMIUM}. Install it with: ${INSTALL_HINT}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** A fresh browser context (own cookies = own session) and a page in it. */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({
    baseURL,
    bypassCSP: true, // so that axe can be injected into pages with script-src 'self'
    viewport: DESKTOP,
    locale: 'da-DK',
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Logs in through the form, as a person would: type e-mail and password, click "Log ind". */
export async function login(page, email, password = DEMO_PASSWORD) {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/login')) await page.goto('/login');
  await page.getByLabel('E-mail').fill('');
  await page.getByLabel('E-mail').pressSequentially(email);
  await page.getByLabel('Adgangskode').pressSequentially(password);
  await navigate(page, () => page.getByRole('button', { name: 'Log ind' }).click());
  assert.notEqual(new URL(page.url()).pathname, '/login', `login as ${email} failed`);
}

export async function h1(page) {
  return (await page.locator('main h1').first().innerText()).trim();
}

/** Does `action` (a click, a key press) and waits until the page it leads to has loaded. */
export async function navigate(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return response;
}

/** Follows a main-menu link by clicking it. */
export async function clickNav(page, label) {
  return navigate(page, () => page.getByRole('navigation', { name: 'Hovedmenu' })
    .getByRole('link', { name: label, exact: true }).click());
}

// ---------------------------------------------------------------------------------------------
// Accessibility and screenshots

/** What checkPage throws when axe finds violations (an AssertionError, so node:test shows it as one). */
export class AxeViolationsError extends assert.AssertionError {
  constructor(message) {
    super({ message, operator: 'fail' });
    this.name = 'AxeViolationsError';
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path as the route it matched in src/app.rs: /skoler/<uuid> → /skoler/{id}. */
export function routeOf(pathname) {
  const segs = pathname.split('/');
  return segs.map((s, i) => {
    if (UUID_RE.test(s)) return '{id}';
    if (/^\d{4}$/.test(s)) return '{year}';
    if (i === 2 && segs[1] === 'invitation') return '{token}';
    if (i === 2 && (segs[1] === 'kalender' || segs[1] === 'maal') && s.includes('.')) return '{file}';
    return s;
  }).join('/');
}

/** A page the statement does not name, or a violation it does not list (collected like axe's). */
export class StatementError extends AxeViolationsError {
  constructor(message) {
    super(`${message}\n  (the accessibility statement is rendered from ${path.relative(REPO_ROOT, STATEMENT_PATH)}: fix the page, or say so there in a commit)`);
    this.name = 'StatementError';
  }
}

const checked = new Map();
// node --test runs each *.test.mjs file in its own process, one after the other: they all add to
// one axe-summary.txt. A file from an earlier run (another run id) is started afresh.
// run.sh sets E2E_RUN_ID; without it, the files of one `node --test` share its process id.
const RUN_ID = process.env.E2E_RUN_ID || `node-test-${process.ppid}`;
const SUMMARY_FILE = path.join(SCREEN_DIR, 'axe-summary.txt');

function recordSummary(s) {
  fs.mkdirSync(SCREEN_DIR, { recursive: true });
  const header = `# axe-core ${axeVersion()} – tags ${AXE_TAGS.join(', ')} – run ${RUN_ID}\n`;
  let current = '';
  try { current = fs.readFileSync(SUMMARY_FILE, 'utf8'); } catch { /* not there yet */ }
  if (!current.startsWith(header)) {
    fs.writeFileSync(SUMMARY_FILE, `${header}# page\tURL\troute\tviolations (1280 px + 390 px)\trule ids\n`);
  }
  fs.appendFileSync(SUMMARY_FILE, `${s.name}\t${s.url}\t${s.route}\t${s.count}\t${s.ids.join(',') || '-'}\n`);
}

/**
 * This run's axe-summary.txt, when it was written by this run: [{ name, url, route, count, ids }].
 * Null when the file is missing or from another run.
 */
export function readSummary() {
  const header = `# axe-core ${axeVersion()} – tags ${AXE_TAGS.join(', ')} – run ${RUN_ID}\n`;
  let current;
  try { current = fs.readFileSync(SUMMARY_FILE, 'utf8'); } catch { return null; }
  if (!current.startsWith(header)) return null;
  return current.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, url, route, count, ids] = l.split('\t');
    return { name, url, route, count: Number(count), ids: ids === '-' ? [] : ids.split(',') };
  });
}

export { AXE_TAGS, WIDTHS, axeVersion };

function axeVersion() {
  const m = /axe v([\d.]+)/.exec(fs.readFileSync(AXE_PATH, 'utf8').slice(0, 200));
  return m ? m[1] : '?';
}

function describe(v) {
  const targets = v.nodes.map((n) => `      ${JSON.stringify(n.target)}  ${n.failureSummary ? n.failureSummary.split('\n').slice(1, 2).join('').trim() : ''}`);
  return `  - ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
}

/**
 * Runs axe (WCAG 2.0/2.1 A and AA) on the page at 1280 px and at 390 px, saves full-page
 * screenshots <name>-1280.png and <name>-390.png in target/e2e-screens, records the result in
 * axe-summary.txt and asserts that there are no violations.
 */
export async function checkPage(page, name) {
  fs.mkdirSync(SCREEN_DIR, { recursive: true });
  const url = new URL(page.url());
  const byRule = new Map();
  for (const vp of WIDTHS) {
    await page.setViewportSize(vp);
    await page.screenshot({ path: path.join(SCREEN_DIR, `${name}-${vp.width}.png`), fullPage: true });
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      await page.addScriptTag({ path: AXE_PATH });
    }
    const result = await page.evaluate((tags) => window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    }), AXE_TAGS);
    for (const v of result.violations) {
      const key = v.id;
      const prev = byRule.get(key);
      const nodes = v.nodes.map((n) => ({ ...n, target: vp.width === DESKTOP.width ? n.target : [`@${vp.width}px`, ...n.target] }));
      if (prev) {
        const seen = new Set(prev.nodes.map((n) => JSON.stringify(n.target.filter((t) => !String(t).startsWith('@')))));
        prev.nodes.push(...nodes.filter((n) => !seen.has(JSON.stringify(n.target.filter((t) => !String(t).startsWith('@'))))));
      } else {
        byRule.set(key, { ...v, nodes });
      }
    }
  }
  await page.setViewportSize(DESKTOP);
  const violations = [...byRule.values()];
  const pathAndQuery = url.pathname + url.search;
  if (checked.has(name) && checked.get(name) !== pathAndQuery) {
    throw new Error(`checkPage: the name "${name}" was used for both ${checked.get(name)} and ${pathAndQuery}`);
  }
  checked.set(name, pathAndQuery);
  const count = violations.reduce((n, v) => n + v.nodes.length, 0);
  const route = routeOf(url.pathname);
  recordSummary({ name, url: pathAndQuery, route, count, ids: violations.map((v) => v.id) });
  const known = new Set(STATEMENT.axe_violations.filter((g) => g.routes.includes(route)).map((g) => g.rule));
  const unlisted = violations.filter((v) => !known.has(v.id));
  if (unlisted.length > 0) {
    const n = unlisted.reduce((k, v) => k + v.nodes.length, 0);
    const msg = `axe found ${unlisted.length} rule violation(s) (${n} element(s)) on "${name}" (${pathAndQuery}), which the accessibility statement does not list for ${route}:\n${unlisted.map(describe).join('\n')}`;
    throw known.size ? new StatementError(msg) : new AxeViolationsError(msg);
  }
  if (!STATEMENT.pages.some((p) => p.route === route)) {
    throw new StatementError(`"${name}" (${pathAndQuery}): the accessibility statement's list of checked pages does not name ${route}`);
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Shared by the test files

/**
 * Wraps a journey so that axe violations do not stop it: checkPage's failures are collected and
 * the test fails at its end with all of them (or with the first other failure, plus them).
 * The journey is called as fn(t, check), where check(page, name) is the collecting checkPage.
 */
export function journey(fn) {
  return async (t) => {
    const axeFailures = [];
    const check = async (page, name) => {
      try {
        await checkPage(page, name);
      } catch (e) {
        if (!(e instanceof AxeViolationsError)) throw e;
        axeFailures.push(e.message);
      }
    };
    try {
      await fn(t, check);
    } catch (e) {
      if (axeFailures.length) e.message += `\n\nBefore that:\n${axeFailures.join('\n')}`;
      throw e;
    }
    if (axeFailures.length) assert.fail(axeFailures.join('\n'));
  };
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Clicks a link (or a submit button) and waits for the page it leads to. */
export function follow(page, locator) {
  return navigate(page, () => locator.click());
}

// ---------------------------------------------------------------------------------------------
// One test file's app, browser and pages

/**
 * Registers the file's before/after hooks: before, launch Chromium (first, so that a run without
 * it fails fast with the install hint) and start the app; after, close every context, the
 * browser and the app. Call it once at the top of a test file. Returns:
 *   app          the running app (a getter: set once the before hook has run)
 *   fresh()      a page in a new browser context (own cookies = own session)
 *   loggedIn(user, password)   a fresh page logged in through the form as user.email; if
 *                user.h1 is given, asserts that the start page's h1 is it
 *   logout(page) clicks "Log ud", asserts that it leads to /login, and closes the page's context
 */
export function useApp() {
  let app;
  let browser;
  const contexts = [];

  before(async () => {
    browser = await launchBrowser();
    app = await startApp();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    if (browser) await browser.close().catch(() => {});
    if (app) await app.stop();
  });

  async function fresh() {
    const { context, page } = await newPage(browser, app.baseURL);
    contexts.push(context);
    return page;
  }

  async function loggedIn(user, password) {
    const page = await fresh();
    await page.goto('/login');
    await login(page, user.email, password);
    if (user.h1) assert.equal(await h1(page), user.h1);
    return page;
  }

  async function logout(page) {
    await navigate(page, () => page.getByRole('button', { name: 'Log ud' }).click());
    assert.equal(pathOf(page), '/login', 'after "Log ud" the login page');
    await page.context().close();
  }

  return {
    get app() { return app; },
    fresh,
    loggedIn,
    logout,
  };
}

/** The visible text of a locator, with runs of white space made one space, trimmed. */
export async function textOf(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** The visible text of <main>, with runs of white space made one space (not trimmed). */
export async function mainText(page) {
  return (await page.getByRole('main').innerText()).replace(/\s+/g, ' ');
}

/**
 * Asserts the error summary pattern: #error-summary is shown with the heading "Der er problemer",
 * has focus, and the page title starts with "Fejl: ". `fields`: ids the summary must link to
 * (#id). `messages`: { id: message }, each id linked exactly once, with that text. Every link in
 * the summary must point at an element that exists. Returns the links as [{ href, text }].
 */
export async function assertErrorSummary(page, { fields = [], messages = {} } = {}) {
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  assert.equal((await summary.getByRole('heading').innerText()).trim(), 'Der er problemer');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'error-summary',
    'the error summary has focus');
  assert.match(await page.title(), /^Fejl: /);
  const items = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute('href'), text: a.textContent.trim(),
  })));
  const hrefs = items.map((i) => i.href);
  for (const field of fields) {
    assert.ok(hrefs.includes(`#${field}`), `the summary links to #${field} (${hrefs})`);
  }
  for (const [field, message] of Object.entries(messages)) {
    const links = items.filter((i) => i.href === `#${field}`);
    assert.equal(links.length, 1, `the summary links to #${field} once: ${JSON.stringify(items)}`);
    assert.equal(links[0].text, message, `the summary's link to #${field}`);
  }
  for (const href of hrefs) assert.equal(await page.locator(href).count(), 1, `${href} exists`);
  return items;
}
