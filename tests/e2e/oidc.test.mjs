// Single sign-on in a real browser against a real OpenID provider: `oidc-provider` (a certified
// OpenID Connect implementation) started here with a test client, and Udsyn started with
// OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET pointing at it. The coordinator signs in with
// "Log ind med din kommunes konto"; an unknown e-mail, an ID token for another audience, an
// expired ID token and an answer that does not belong to the browser are each refused with a
// Danish message and no session.
//
// The wrong audience and the expired token are made by a small front for the provider's token
// endpoint: it passes the request to the real provider, then changes one claim of the ID token
// and signs it again with the provider's own key, so that only that claim is wrong.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';
import {
  USERS, startApp, launchBrowser, newPage, freePort, h1, pathOf, follow, navigate, journey, textOf, sql,
} from './harness.mjs';

const CLIENT_ID = 'udsyn-test';
const CLIENT_SECRET = 'en-hemmelighed-kun-til-testen';
const UNKNOWN = 'ukendt.person@herning.dk';

let app;
let browser;
let issuer;
let front;
let inner;
/** How the front changes the next ID tokens: null (not at all), 'aud', 'exp' or 'mfa'. */
let tamper = null;
const contexts = [];

before(async () => {
  browser = await launchBrowser();
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  app = await startApp({
    env: (baseURL) => ({
      PUBLIC_URL: baseURL,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    }),
  });

  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const signingKey = await jose.importJWK(jwk, 'RS256');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${app.baseURL}/login/oidc/retur`],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    // The login typed on the provider's page is the person's e-mail, which it vouches for.
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
  });
  const serve = provider.callback();

  // The provider itself, on a port of its own, for the front to pass token requests to.
  inner = http.createServer(serve);
  await new Promise((r) => inner.listen(0, '127.0.0.1', r));
  front = http.createServer((req, res) => {
    if (!(tamper && req.method === 'POST' && req.url.startsWith('/token'))) return serve(req, res);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const r = await fetch(`http://127.0.0.1:${inner.address().port}${req.url}`, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'], authorization: req.headers.authorization || '' },
        body: Buffer.concat(chunks),
      });
      const body = await r.json();
      if (body.id_token) {
        const claims = jose.decodeJwt(body.id_token);
        const now = Math.floor(Date.now() / 1000);
        if (tamper === 'aud') claims.aud = 'en-anden-tjeneste';
        if (tamper === 'exp') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
        if (tamper === 'mfa') claims.amr = ['pwd', 'mfa'];
        body.id_token = await new jose.SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
          .sign(signingKey);
      }
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((r) => front.listen(port, '127.0.0.1', r));
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (app) await app.stop();
  for (const s of [front, inner]) if (s) await new Promise((r) => s.close(r));
});

async function fresh() {
  const { context, page } = await newPage(browser, app.baseURL);
  // The provider's own pages import a web font; there is no internet here.
  await context.route(/fonts\.googleapis\.com/, (r) => r.abort());
  contexts.push(context);
  return page;
}

/** From Udsyn's login page through the provider's pages, typing `email` there. */
async function signInAtProvider(page, email) {
  await page.goto('/login');
  await follow(page, page.getByRole('link', { name: 'Log ind med din kommunes konto' }));
  assert.equal(new URL(page.url()).origin, issuer, 'the browser is at the identity provider');
  await page.locator('input[name=login]').fill(email);
  await page.locator('input[name=password]').fill('hvad-som-helst');
  await navigate(page, () => page.getByRole('button', { name: 'Sign-in' }).click());
  // The provider asks once per browser whether Udsyn may have the e-mail address.
  const consent = page.getByRole('button', { name: 'Continue' });
  if (await consent.count()) await navigate(page, () => consent.click());
}

async function noSession(page) {
  await page.goto('/');
  assert.equal(pathOf(page), '/login', 'no session: the start page sends the person to log in');
}

test('1. the coordinator signs in with the municipality\'s account and lands on her desk', journey(async (t, checkPage) => {
  const page = await fresh();
  await page.goto('/login');
  const sso = page.getByRole('link', { name: 'Log ind med din kommunes konto' });
  assert.equal(await sso.count(), 1, 'the login page offers single sign-on');
  // Both ways in are on the page; the password form is still there for local accounts.
  assert.equal(await page.getByLabel('Adgangskode').count(), 1);
  await checkPage(page, 'login-sso');

  let answer = null;
  page.on('request', (r) => { if (r.url().includes('/login/oidc/retur')) answer = r.url(); });
  await signInAtProvider(page, USERS.koordinator.email.toUpperCase());
  assert.equal(pathOf(page), '/', 'back in Udsyn, on the start page');
  assert.equal(await h1(page), USERS.koordinator.h1);
  const cookies = await page.context().cookies();
  assert.ok(cookies.some((c) => c.name === 'udsyn_session'), 'a session cookie');
  assert.ok(!cookies.some((c) => c.name === 'udsyn_oidc'), 'the sign-on cookie is used up');

  await navigate(page, () => page.getByRole('button', { name: 'Log ud' }).click());
  assert.equal(pathOf(page), '/login');
  // The provider's answer cannot be used twice: replaying the same redirect lets no one in.
  assert.ok(answer && new URL(answer).searchParams.get('code'), 'the provider answered with a code');
  const again = await page.goto(answer);
  assert.equal(again.status(), 400);
  await noSession(page);
}));

test('2. an e-mail without an Udsyn account is refused, and no session begins', journey(async (t, checkPage) => {
  const page = await fresh();
  await signInAtProvider(page, UNKNOWN);
  assert.equal(pathOf(page), '/login/oidc/retur');
  const alert = page.getByRole('alert');
  const text = await textOf(alert);
  assert.match(text, /Du er ikke logget ind/);
  assert.match(text, new RegExp(`bekræftet, at du er ${UNKNOWN.replace(/\./g, '\\.')}, men der er ingen Udsyn-konto`));
  assert.match(text, /Bed forvaltningen om at oprette dig/);
  await checkPage(page, 'login-sso-ukendt');
  await noSession(page);
}));

test('3. an ID token for another audience is refused', journey(async () => {
  const page = await fresh();
  tamper = 'aud';
  try {
    await signInAtProvider(page, USERS.koordinator.email);
  } finally {
    tamper = null;
  }
  assert.equal(pathOf(page), '/login/oidc/retur');
  assert.match(await textOf(page.getByRole('alert')), /kunne ikke bekræftes, så du er ikke logget ind/);
  await noSession(page);
  assert.match(app.log(), /single sign-on afvist.*audience/i, 'the log names the failed check');
}));

test('4. an expired ID token is refused', journey(async () => {
  const page = await fresh();
  tamper = 'exp';
  try {
    await signInAtProvider(page, USERS.koordinator.email);
  } finally {
    tamper = null;
  }
  assert.equal(pathOf(page), '/login/oidc/retur');
  assert.match(await textOf(page.getByRole('alert')), /kunne ikke bekræftes/);
  await noSession(page);
  assert.match(app.log(), /single sign-on afvist.*[Ee]xpired/, 'the log names the failed check');
}));

test('5. an answer that this browser did not ask for is refused', journey(async () => {
  const page = await fresh();
  const r = await page.goto('/login/oidc/retur?code=fremmed-kode&state=fremmed-tilstand');
  assert.equal(r.status(), 400);
  assert.match(await textOf(page.getByRole('alert')), /udløbet eller hører ikke til denne browser/);
  await noSession(page);
}));

test('6. the provider\'s second factor counts only when its ID token says "mfa"', journey(async (t, checkPage) => {
  const anne = 'anne.koordinator@herning.dk';
  sql(app, `INSERT INTO accounts (email, role) VALUES ('${anne}', 'koordinator')`);
  let page = await fresh();
  await signInAtProvider(page, anne);
  assert.equal(pathOf(page), '/login/kode', 'no amr: Udsyn asks for its own second factor');
  assert.equal(await h1(page), 'Opret totrinsbekræftelse');
  await noSession(page);

  page = await fresh();
  tamper = 'mfa';
  try {
    await signInAtProvider(page, anne);
  } finally {
    tamper = null;
  }
  assert.equal(pathOf(page), '/', 'amr ["pwd", "mfa"]: straight in');
  assert.equal(await h1(page), 'Konsortiet');
}));
