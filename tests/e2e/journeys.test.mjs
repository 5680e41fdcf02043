// Udsyn's user journeys in a real browser (headless Chromium), through the real UI.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, DEMO_PASSWORD, useApp, assertErrorSummary, login, h1, clickNav, navigate,
  journey, pathOf, follow, SCREEN_DIR,
} from './harness.mjs';
import path from 'node:path';

const { fresh, loggedIn } = useApp();

test('1. each demo role logs in and lands on its own start page', journey(async (t, checkPage) => {
  let loginChecked = false;
  for (const [role, user] of Object.entries(USERS)) {
    const page = await fresh();
    const res = await page.goto('/');
    assert.equal(res.status(), 200);
    assert.equal(pathOf(page), '/login', `${role}: / without a session should lead to /login`);
    assert.equal(await h1(page), 'Log ind i Udsyn');
    if (!loginChecked) {
      await checkPage(page, 'login');
      loginChecked = true;
    }
    await login(page, user.email);
    assert.equal(pathOf(page), '/', `${role}: after login the start page`);
    assert.equal(await h1(page), user.h1, `${role}: start page h1`);
    await assert.doesNotReject(page.getByRole('button', { name: 'Log ud' }).waitFor());
    await checkPage(page, `start-${role}`);
    await page.context().close();
  }
}));

test('2. the coordinator browses schools, staff, partners and users', journey(async (t, checkPage) => {
  const page = await fresh();
  await page.goto('/login');
  await login(page, USERS.koordinator.email);

  await clickNav(page, 'Skoler');
  assert.equal(pathOf(page), '/skoler');
  assert.equal(await h1(page), 'Skoler');
  await checkPage(page, 'skoler');

  const school = 'Engbakkeskolen (demo)';
  await follow(page, page.getByRole('main').getByRole('link', { name: school, exact: true }));
  assert.match(pathOf(page), /^\/skoler\/[^/]+$/);
  assert.equal(await h1(page), school);
  await checkPage(page, 'skole');

  await clickNav(page, 'Medarbejdere');
  assert.equal(pathOf(page), '/medarbejdere');
  assert.equal(await h1(page), 'Medarbejdere i konsortiet');
  await checkPage(page, 'medarbejdere');

  const person = 'Sofie Bækgaard';
  await follow(page, page.getByRole('main').getByRole('link', { name: person, exact: true }));
  assert.match(pathOf(page), /^\/medarbejdere\/[^/]+$/);
  assert.equal(await h1(page), person);
  await checkPage(page, 'medarbejder');

  await clickNav(page, 'Partnere');
  assert.equal(pathOf(page), '/partnere');
  assert.equal(await h1(page), 'Partnere i udlandet');
  await checkPage(page, 'partnere');

  const partnerLink = page.getByRole('main').locator('table a[href^="/partnere/"]').first();
  const partnerName = (await partnerLink.innerText()).trim();
  await follow(page, partnerLink);
  assert.match(pathOf(page), /^\/partnere\/[^/]+$/);
  assert.equal(await h1(page), partnerName);
  await checkPage(page, 'partner');

  await clickNav(page, 'Brugere');
  assert.equal(pathOf(page), '/brugere');
  assert.equal(await h1(page), 'Brugere');
  await checkPage(page, 'brugere');

  await follow(page, page.getByRole('main').getByRole('link', { name: 'Opret bruger' }));
  assert.equal(pathOf(page), '/brugere/ny');
  assert.equal(await h1(page), 'Opret bruger');
  await checkPage(page, 'brugere-ny');

  // On a phone-sized screen the main menu must still be there (the app has no script-driven drawer).
  await page.setViewportSize({ width: 390, height: 844 });
  const menu = page.getByRole('navigation', { name: 'Hovedmenu' });
  const labels = ['Forside', 'Skoler', 'Medarbejdere', 'Partnere', 'Brugere'];
  let hidden = [];
  for (const label of labels) {
    if (!(await menu.getByRole('link', { name: label, exact: true }).first().isVisible())) hidden.push(label);
  }
  // DKFDS's script moves what does not fit into a "Mere" dropdown: open it, as a person would.
  const more = menu.getByRole('button', { name: 'Mere' });
  if (hidden.length && await more.isVisible()) {
    await more.click();
    const stillHidden = [];
    for (const label of hidden) {
      const links = menu.getByRole('link', { name: label, exact: true });
      let seen = false;
      for (let i = 0; i < await links.count(); i++) seen ||= await links.nth(i).isVisible();
      if (!seen) stillHidden.push(label);
    }
    hidden = stillHidden;
    await page.screenshot({ path: path.join(SCREEN_DIR, 'menu-mere-390.png') });
    await page.keyboard.press('Escape');
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(hidden, [], 'main menu links hidden at 390 px width');
}));

test('3. a school leader is refused staff of another school but sees their own', journey(async (t, checkPage) => {
  // The coordinator's staff list shows every school: find someone at Hedelundskolen there.
  const coord = await fresh();
  await coord.goto('/login');
  await login(coord, USERS.koordinator.email);
  await clickNav(coord, 'Medarbejdere');
  const otherRow = coord.getByRole('main').locator('tbody tr')
    .filter({ has: coord.locator('td', { hasText: /^Hedelundskolen \(demo\)$/ }) }).first();
  const otherHref = await otherRow.locator('a[href^="/medarbejdere/"]').getAttribute('href');
  assert.ok(otherHref, 'a staff member of Hedelundskolen (demo) in the coordinator\'s list');
  await coord.context().close();

  const page = await loggedIn(USERS.skoleleder);

  const res = await page.goto(otherHref);
  assert.equal(res.status(), 403, 'another school\'s staff member is forbidden');
  assert.equal(await h1(page), 'Du har ikke adgang til siden');
  await checkPage(page, 'forbidden-403');

  // The error page has no main menu: back to the start page with its button, then the menu.
  await follow(page, page.getByRole('main').getByRole('link', { name: 'Gå til forsiden' }));
  assert.equal(pathOf(page), '/');
  assert.equal(await h1(page), USERS.skoleleder.h1, 'still logged in after the 403');
  await clickNav(page, 'Medarbejdere');
  assert.equal(pathOf(page), '/medarbejdere');
  await checkPage(page, 'medarbejdere-skoleleder');
  const own = page.getByRole('main').locator('table a[href^="/medarbejdere/"]').first();
  const ownName = (await own.innerText()).trim();
  const ownHref = await own.getAttribute('href');
  assert.notEqual(ownHref, otherHref);
  const ownRes = await follow(page, own);
  assert.equal(pathOf(page), ownHref);
  assert.equal(ownRes.status(), 200);
  assert.equal(await h1(page), ownName);
  await checkPage(page, 'medarbejder-skoleleder');
}));

test('4. logging out ends the session, also for the back button', journey(async (t, checkPage) => {
  const page = await loggedIn(USERS.koordinator);
  const userName = (await page.locator('.portal-user .user .weight-semibold').innerText()).trim();
  assert.ok(userName.length > 0);

  await navigate(page, () => page.getByRole('button', { name: 'Log ud' }).click());
  const url = new URL(page.url());
  assert.equal(url.pathname, '/login');
  assert.equal(url.searchParams.get('logget_ud'), '1');
  assert.equal(await h1(page), 'Log ind i Udsyn');
  await checkPage(page, 'login-logget-ud');

  await page.goBack({ waitUntil: 'load' }).catch(() => {});
  await page.waitForLoadState('load');
  const body = await page.locator('body').innerText().catch(() => '');
  const heading = await page.locator('h1').first().innerText({ timeout: 2000 }).catch(() => '');
  t.diagnostic(`after logout, the back button led to ${page.url()} (h1 "${heading.trim()}")`);
  assert.notEqual(heading.trim(), USERS.koordinator.h1, `back after logout shows the start page again (${page.url()})`);
  assert.ok(!body.includes(userName), `back after logout still shows the user's name (${page.url()})`);
  assert.equal(await page.getByRole('button', { name: 'Log ud' }).count(), 0, 'no "Log ud" button after logout');

  const res = await page.goto('/');
  assert.equal(pathOf(page), '/login', '/ after logout redirects to /login');
  assert.equal(res.status(), 200);
  assert.equal(await h1(page), 'Log ind i Udsyn');
}));

test('5. the login form shows an error summary that takes focus and keeps the e-mail', journey(async (t, checkPage) => {
  const page = await fresh();
  await page.goto('/login');
  await navigate(page, () => page.getByRole('button', { name: 'Log ind' }).click());
  // Also: every link in the summary points at a field that exists.
  await assertErrorSummary(page, { fields: ['email'] });
  await checkPage(page, 'login-fejl-tom');

  const email = USERS.medarbejder.email;
  await page.getByLabel('E-mail').fill('');
  await page.getByLabel('E-mail').pressSequentially(email);
  await page.getByLabel('Adgangskode').pressSequentially(`${DEMO_PASSWORD}-forkert`);
  await navigate(page, () => page.getByRole('button', { name: 'Log ind' }).click());
  assert.equal(pathOf(page), '/login', 'a wrong password stays on the login page');
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Fejl: /);
  assert.equal(await page.getByLabel('E-mail').inputValue(), email, 'the typed e-mail is kept');
  assert.equal(await page.getByLabel('Adgangskode').inputValue(), '', 'the password is not echoed back');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'error-summary');
  await checkPage(page, 'login-fejl-adgangskode');
}));

/** Presses Tab until `isTarget` holds for the focused element; returns what was focused on the way. */
async function tabUntil(page, isTarget, what, max = 40) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { tag: 'body' };
      return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
        text: (el.innerText || el.value || '').trim().slice(0, 40), href: el.getAttribute('href'),
        inNav: !!el.closest('nav'),
        size: (() => { const r = el.getBoundingClientRect(); return Math.round(r.width) * Math.round(r.height); })(),
        html: el.outerHTML.slice(0, 80),
      };
    });
    seen.push(info);
    if (isTarget(info)) return seen;
  }
  assert.fail(`${what} was not reached after ${max} Tab presses; focus went: ${seen.map((s) => s.text || s.id || s.tag).join(' → ')}`);
}

/** The focused element's visible focus indicator: outline or box-shadow, and its box. */
async function focusStyle(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : '',
      boxShadow: cs.boxShadow && cs.boxShadow !== 'none' ? cs.boxShadow : '',
      box: { x: r.x, y: r.y, width: r.width, height: r.height },
      viewport: { width: innerWidth, height: innerHeight },
    };
  });
}

test('6. keyboard only: skip link, login, main menu', journey(async (t, checkPage) => {
  const page = await fresh();
  await page.goto('/login');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({
    cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),
    text: document.activeElement.innerText.trim(),
  }));
  assert.equal(first.href, '#main-content', `the first Tab focuses the skip link (got ${JSON.stringify(first)})`);
  assert.match(first.cls, /\bskipnav\b/);
  // DKFDS slides the skip link in (a short CSS transition): wait for it to settle in view.
  await page.waitForFunction(() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && getAnimationsSettled();
    function getAnimationsSettled() { return document.getAnimations().every((a) => a.playState !== 'running'); }
  }, null, { timeout: 3000 }).catch(() => {});
  const skip = await focusStyle(page);
  assert.ok(skip.box.width > 1 && skip.box.height > 1, `the focused skip link has a size (${JSON.stringify(skip.box)})`);
  assert.ok(skip.box.y >= 0 && skip.box.x >= 0 && skip.box.x < skip.viewport.width && skip.box.y < skip.viewport.height,
    `the focused skip link is inside the viewport (${JSON.stringify(skip.box)})`);
  assert.ok(await page.locator('a.skipnav').isVisible());
  t.diagnostic(`skip link focus style: outline "${skip.outline}", box-shadow "${skip.boxShadow}"`);
  assert.ok(skip.outline || skip.boxShadow, `the focused skip link has a focus outline or box-shadow (${JSON.stringify(skip)})`);

  // Log in with the keyboard only.
  const stops = await tabUntil(page, (f) => f.id === 'email', 'the e-mail field');
  await page.keyboard.type(USERS.koordinator.email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password', 'Tab from e-mail goes to password');
  await page.keyboard.type(DEMO_PASSWORD);
  await navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(pathOf(page), '/');
  assert.equal(await h1(page), USERS.koordinator.h1);

  // Through the main menu to "Skoler".
  const seen = await tabUntil(page, (f) => f.inNav && f.text === 'Skoler', 'the menu link "Skoler"');
  assert.ok(seen.some((f) => f.inNav && f.text === 'Forside'), 'Tab passes "Forside" before "Skoler"');
  const nav = await focusStyle(page);
  t.diagnostic(`menu link focus style: outline "${nav.outline}", box-shadow "${nav.boxShadow}"`);
  assert.ok(nav.outline || nav.boxShadow, `the focused menu link has a focus outline or box-shadow (${JSON.stringify(nav)})`);
  await navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(pathOf(page), '/skoler');
  assert.equal(await h1(page), 'Skoler');

  // Every element that Tab reached on the way must be visible: a focus on nothing loses the user.
  const invisible = [...stops, ...seen].filter((f) => f.tag !== 'body' && f.size === 0);
  assert.deepEqual(invisible.map((f) => f.html), [], 'Tab stops with no visible size (focus lands on something unseen)');
  // Pages already checked in journey 2 (/skoler) are not checked again.
}));
