// The second factor and the person's own sessions in a real browser: a coordinator who is not one
// of the demo's logins (Anne, made with psql with the demo's password) is asked to set up TOTP at
// her first login, reads the key on the page, types a code this test computes from it (RFC 6238,
// HMAC-SHA-1, as her phone would), keeps her recovery codes, and lands on her desk; the next login
// asks for a code only. On "Min konto" she finds her sessions and ends the one in another browser,
// which is then logged out. Every page axe-clean at 1280 and 390 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  USERS, DEMO_PASSWORD, useApp, h1, journey, pathOf, follow, login, sql, textOf,
} from './harness.mjs';

const running = useApp();
const { fresh, logout } = running;
const ANNE = 'anne.koordinator@herning.dk';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/\s+/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The six digits an authenticator app shows for `key` at `seconds` (Unix time). */
function totp(key, seconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const h = crypto.createHmac('sha1', base32Decode(key)).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

test('16. a coordinator sets up her second factor at the first login, and ends a session elsewhere',
  journey(async (t, checkPage) => {
    sql(running.app, `INSERT INTO accounts (email, role, password_hash)
      SELECT '${ANNE}', 'koordinator', password_hash FROM accounts WHERE email = '${USERS.koordinator.email}'`);

    // --- The first login: the password, then setting up the app ---------------------------------
    let page = await fresh();
    await page.goto('/login');
    await page.getByLabel('E-mail').pressSequentially(ANNE);
    await page.getByLabel('Adgangskode').pressSequentially(DEMO_PASSWORD);
    await follow(page, page.getByRole('button', { name: 'Log ind' }));
    assert.equal(pathOf(page), '/login/kode');
    assert.equal(await h1(page), 'Opret totrinsbekræftelse');
    assert.ok(await page.getByRole('img', { name: /QR-kode/ }).isVisible(), 'a QR code to scan');
    const key = await textOf(page.locator('.totp-secret'));
    assert.match(key, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/, 'the key in groups of four');
    await checkPage(page, 'totp-opret');

    await page.getByLabel('Kode', { exact: true }).fill('000000');
    await follow(page, page.getByRole('button', { name: 'Opret og log ind' }));
    assert.equal(await textOf(page.locator('#code-error')), 'Fejl: Koden passer ikke. Skriv de seks cifre, appen viser for Udsyn, mens de står der.');
    assert.equal(await textOf(page.locator('.totp-secret')), key, 'the same key again');
    await checkPage(page, 'totp-opret-fejl');

    await page.getByLabel('Kode', { exact: true }).fill(totp(key, Date.now() / 1000));
    await follow(page, page.getByRole('button', { name: 'Opret og log ind' }));
    assert.equal(await h1(page), 'Dine gendannelseskoder');
    const codes = await page.getByRole('list', { name: 'Gendannelseskoder' }).locator('code').allInnerTexts();
    assert.equal(codes.length, 10);
    await checkPage(page, 'totp-gendannelseskoder');
    await follow(page, page.getByRole('link', { name: 'Jeg har gemt koderne – fortsæt' }));
    assert.equal(pathOf(page), '/');
    assert.equal(await h1(page), 'Konsortiet');
    await logout(page);

    // --- The next login asks for a code, in another browser --------------------------------------
    const other = await fresh();
    await other.goto('/login');
    await other.getByLabel('E-mail').pressSequentially(ANNE);
    await other.getByLabel('Adgangskode').pressSequentially(DEMO_PASSWORD);
    await follow(other, other.getByRole('button', { name: 'Log ind' }));
    assert.equal(await h1(other), 'Skriv din kode');
    await checkPage(other, 'totp-kode');
    // The app's next code (30 s on): the one that set it up counts only once.
    await other.getByLabel('Kode', { exact: true }).fill(totp(key, Date.now() / 1000 + 30));
    await follow(other, other.getByRole('button', { name: 'Log ind' }));
    assert.equal(pathOf(other), '/');

    // --- Min konto and the sessions, in a third browser with a recovery code ----------------------
    page = await fresh();
    await page.goto('/login');
    await page.getByLabel('E-mail').pressSequentially(ANNE);
    await page.getByLabel('Adgangskode').pressSequentially(DEMO_PASSWORD);
    await follow(page, page.getByRole('button', { name: 'Log ind' }));
    await page.getByLabel('Kode', { exact: true }).fill(codes[0]);
    await follow(page, page.getByRole('button', { name: 'Log ind' }));
    assert.equal(pathOf(page), '/');
    await follow(page, page.getByRole('link', { name: 'Min konto' }));
    assert.equal(await h1(page), 'Min konto');
    assert.match(await textOf(page.getByRole('main')), /Du har 9 ubrugte gendannelseskoder/);
    await checkPage(page, 'min-konto');
    await follow(page, page.getByRole('link', { name: 'Skift adgangskode' }));
    assert.equal(await h1(page), 'Skift adgangskode');
    await checkPage(page, 'min-konto-adgangskode');
    await page.goBack();
    await follow(page, page.getByRole('link', { name: /Lav nye gendannelseskoder/ }));
    assert.equal(await h1(page), 'Totrinsbekræftelse');
    assert.equal(await page.getByRole('button', { name: 'Slå totrinsbekræftelse fra' }).count(), 0,
      'a coordinator cannot turn it off');
    await checkPage(page, 'min-konto-totp');
    await page.goBack();
    await follow(page, page.getByRole('link', { name: /Se, hvor du er logget ind/ }));
    assert.equal(await h1(page), 'Dine sessioner');
    const rows = page.getByRole('table').locator('tbody tr');
    assert.equal(await rows.count(), 2, 'this browser and the other one');
    await checkPage(page, 'sessioner');
    await follow(page, page.getByRole('button', { name: /^Afslut sessionen/ }));
    assert.match(await textOf(page.getByRole('status')), /1 session er afsluttet/);
    assert.equal(await rows.count(), 1);

    // The other browser is logged out.
    await other.goto('/');
    assert.equal(pathOf(other), '/login');
    // And a demo login still needs only the password.
    const demo = await fresh();
    await demo.goto('/login');
    assert.match(await textOf(demo.getByRole('main')), /tre demo-logins er undtaget fra totrinsbekræftelse/);
    await login(demo, USERS.koordinator.email);
    assert.equal(pathOf(demo), '/');
  }));
