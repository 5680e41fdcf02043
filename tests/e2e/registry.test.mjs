// Udsyn's registry journeys in a real browser (headless Chromium), through the real UI:
// a partner abroad with its town picked from the list, and a staff list imported from CSV.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  USERS, useApp, mainText, assertErrorSummary, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const { loggedIn } = useApp();
let tmp;

// Registered after useApp's hooks: runs after the app has started, and after it has stopped.
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'udsyn-e2e-files-'));
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('7. the coordinator adds a partner in Porto, the town picked from the list', journey(async (t, checkPage) => {
  const page = await loggedIn(USERS.koordinator);
  const name = 'Escola Básica do Bonfim';

  await clickNav(page, 'Partnere');
  assert.equal(pathOf(page), '/partnere');
  await follow(page, page.getByRole('main').getByRole('link', { name: 'Ny partner', exact: true }));
  assert.equal(pathOf(page), '/partnere/ny');
  assert.equal(await h1(page), 'Ny partner');
  await checkPage(page, 'partner-ny');

  // The error pattern: "Opret partner" with an empty name.
  await follow(page, page.getByRole('button', { name: 'Opret partner' }));
  await assertErrorSummary(page, { fields: ['name'] });
  await checkPage(page, 'partner-ny-fejl');

  await page.getByLabel('Navn', { exact: true }).fill(name);
  await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Skole' });
  await page.getByLabel('Land', { exact: true }).selectOption({ label: 'Portugal' });
  const city = page.getByLabel('By', { exact: true });
  await city.fill('');
  await city.pressSequentially('Por');
  await follow(page, page.getByRole('button', { name: 'Find byen' }));

  const choices = page.getByRole('group', { name: 'Vælg byen' });
  await choices.waitFor();
  const porto = choices.getByRole('radio', { name: /^Porto \(/ });
  assert.equal(await porto.count(), 1, 'one choice "Porto (…)"');
  const portoLabel = (await choices.locator('label').filter({ hasText: /^Porto \(/ }).innerText()).trim();
  t.diagnostic(`town choices: ${(await choices.locator('label').allInnerTexts()).join(' | ')}`);
  assert.match(portoLabel, /^Porto \(\d{1,3}(\.\d{3})* indbyggere; 41,1485° N, 8,6110° V\)$/);
  // What was typed and chosen is still there after the re-render.
  assert.equal(await page.getByLabel('Navn', { exact: true }).inputValue(), name);
  assert.equal(await page.getByLabel('Type', { exact: true }).locator('option:checked').innerText(), 'Skole');
  assert.equal(await page.getByLabel('Land', { exact: true }).locator('option:checked').innerText(), 'Portugal');
  await checkPage(page, 'partner-ny-byvalg');

  await porto.check();
  await follow(page, page.getByRole('button', { name: 'Opret partner' }));
  assert.match(pathOf(page), /^\/partnere\/[^/]+$/, `after "Opret partner": ${page.url()}`);
  assert.equal(new URL(page.url()).searchParams.get('gemt'), '1');
  const partnerPath = pathOf(page);
  assert.notEqual(partnerPath, '/partnere/ny');
  assert.equal(await page.getByRole('status').filter({ hasText: 'Ændringerne er gemt.' }).count(), 1);
  assert.equal(await h1(page), name);
  const text = await mainText(page);
  assert.ok(text.includes('Porto, Portugal'), 'the page shows "Porto, Portugal"');
  assert.ok(text.includes('41,1485° N, 8,6110° V'), 'the page shows the coordinates of Porto');
  const history = page.locator('#historik + ol');
  assert.equal(await page.getByRole('heading', { name: 'Historik' }).count(), 1);
  assert.match(await history.innerText(), /partner oprettet/i);
  await checkPage(page, 'partner-oprettet');

  // The new partner is found by searching the list.
  await clickNav(page, 'Partnere');
  await page.getByLabel('Søg', { exact: true }).pressSequentially('Bonfim');
  await follow(page, page.getByRole('main').getByRole('button', { name: 'Søg', exact: true }));
  assert.equal(pathOf(page), '/partnere');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'Bonfim');
  const hit = page.getByRole('main').getByRole('table').getByRole('link', { name, exact: true });
  assert.equal(await hit.count(), 1, 'the search lists the new partner');
  assert.equal(await hit.getAttribute('href'), partnerPath);
  await checkPage(page, 'partnere-soeg-bonfim');
}));

test('8. a school leader imports a staff list saved by Danish Excel (CSV, Windows-1252)', journey(async (t, checkPage) => {
  const page = await loggedIn(USERS.skoleleder);

  await clickNav(page, 'Medarbejdere');
  await follow(page, page.getByRole('main').getByRole('link', { name: 'Importér medarbejderliste' }));
  assert.equal(pathOf(page), '/medarbejdere/import');
  assert.equal(await h1(page), 'Importér medarbejderliste');
  await checkPage(page, 'import');

  // The way Danish Excel saves "CSV (semikolonsepareret)": Windows-1252, ';', CRLF.
  const lines = [
    'Fornavn;Efternavn;E-mail;Stilling',
    'Søren;Ærø;soeren.aeroe@engbakke.dk;Lærer',
    'Åse;Bøgh;aase.boegh@engbakke.dk;Pædagog',
    'Mette;Kjærsgård;mette.kjaersgaard@engbakke.dk;Lærer',
    'Jørgen;Løkke;ikke-en-mail;Lærer',
  ];
  const csv = path.join(tmp, 'medarbejdere.csv');
  fs.writeFileSync(csv, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
  await page.getByLabel('Fil med medarbejdere').setInputFiles(csv);
  // The progress bar polls …/status and reloads when the job is done. Hold those polls while axe
  // looks at the progress bar (if the check is still running when the page arrives), then let go.
  const held = [];
  const statusURL = /\/medarbejdere\/import\/[^/]+\/status$/;
  await page.route(statusURL, (route) => { held.push(route); });
  await follow(page, page.getByRole('button', { name: 'Kontrollér listen' }));
  assert.match(pathOf(page), /^\/medarbejdere\/import\/[^/]+$/, `after "Kontrollér listen": ${page.url()}`);
  const jobPath = pathOf(page);
  const progress = page.locator('#import-progress');
  if (await progress.count()) {
    t.diagnostic('the progress bar was shown on arrival');
    assert.equal(await page.getByLabel(/^Kontrollerer rækkerne/).evaluate((e) => e.tagName), 'PROGRESS');
    await checkPage(page, 'import-kontrolleres');
  } else {
    t.diagnostic('the rows were checked before the page arrived: no progress bar to check');
  }
  await page.unroute(statusURL);
  for (const route of held) await route.continue().catch(() => {});

  // The rows are checked in the background; the page's script reloads when they are done.
  const importButton = page.getByRole('button', { name: 'Importér 3 gyldige rækker' });
  await importButton.waitFor({ timeout: 30_000 });
  await page.waitForLoadState('load');
  assert.equal(pathOf(page), jobPath);
  assert.equal(await h1(page), 'Import af medarbejdere.csv');
  const preview = await mainText(page);
  assert.ok(preview.includes('3 gyldige rækker'), 'the preview counts 3 valid rows');
  // "1 rækker" today; the singular "1 række" would be right Danish, and passes too.
  assert.match(preview, /\b1 rækker? kan ikke importeres/, 'the preview tells that 1 row cannot be imported');
  assert.ok(preview.includes('«ikke-en-mail» er ikke en e-mailadresse.'), 'the problem with the broken row is shown');
  // Windows-1252 was read as such: æ, ø and å come out right.
  const valid = page.getByRole('region', { name: 'Gyldige rækker' });
  for (const who of ['Søren Ærø', 'Åse Bøgh', 'Mette Kjærsgård']) {
    assert.equal(await valid.getByRole('cell', { name: who, exact: true }).count(), 1, `"${who}" among the valid rows`);
  }
  const problems = page.getByRole('region', { name: 'Rækker med problemer' });
  assert.equal(await problems.getByRole('cell', { name: 'Jørgen Løkke', exact: true }).count(), 1);

  const reportLink = page.getByRole('link', { name: 'Hent fejlrapporten (CSV)' });
  assert.equal(await reportLink.count(), 1, 'the error report link');
  const report = await page.request.get(await reportLink.getAttribute('href'));
  assert.equal(report.status(), 200);
  t.diagnostic(`error report: ${report.headers()['content-type']}; ${report.headers()['content-disposition'] || 'no content-disposition'}`);
  const reportBytes = await report.body();
  // For Danish Excel: UTF-8 with a byte order mark, ';' between the fields.
  assert.deepEqual([...reportBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the error report starts with a UTF-8 BOM');
  const reportText = new TextDecoder('utf-8', { fatal: true }).decode(reportBytes);
  assert.ok(reportText.includes('ikke-en-mail'), `the error report names the broken e-mail:\n${reportText}`);
  assert.ok(reportText.includes('Jørgen Løkke'), `the error report has the name with ø:\n${reportText}`);
  assert.match(reportText.split(/\r?\n/)[0], /^\uFEFF?Linje;/, 'the report\'s header is separated by ";"');
  await checkPage(page, 'import-kontrolleret');

  await follow(page, importButton);
  const done = page.getByRole('heading', { name: 'Listen er importeret' });
  await done.waitFor({ timeout: 30_000 });
  await page.waitForLoadState('load');
  assert.equal(pathOf(page), jobPath);
  assert.ok((await mainText(page)).includes('3 nye medarbejdere'), 'the result counts 3 new staff');
  await checkPage(page, 'import-importeret');

  // The new staff are in the list.
  await clickNav(page, 'Medarbejdere');
  await page.getByLabel('Søg', { exact: true }).pressSequentially('Ærø');
  await follow(page, page.getByRole('main').getByRole('button', { name: 'Søg', exact: true }));
  assert.equal(pathOf(page), '/medarbejdere');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'Ærø');
  const row = page.getByRole('main').locator('table tbody tr')
    .filter({ has: page.getByRole('link', { name: 'Søren Ærø', exact: true }) });
  assert.equal(await row.count(), 1, 'the search finds "Søren Ærø"');
  const rowText = (await row.innerText()).replace(/\s+/g, ' ');
  assert.ok(rowText.includes('Lærer') && rowText.includes('soeren.aeroe@engbakke.dk'), `the row: ${rowText}`);
  await checkPage(page, 'medarbejdere-soeg-aeroe');

  await follow(page, row.getByRole('link', { name: 'Søren Ærø', exact: true }));
  assert.match(pathOf(page), /^\/medarbejdere\/[^/]+$/);
  assert.equal(await h1(page), 'Søren Ærø');
  assert.ok((await mainText(page)).includes(USERS.skoleleder.h1), 'at the leader\'s school');
  await checkPage(page, 'medarbejder-importeret');
}));
