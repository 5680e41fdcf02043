// Anonymising a person who left, in a real browser (headless Chromium), through the real UI: the
// coordinator marks Nadia Jensen as stopped, opens her page, clicks "Anonymisér", reads what will
// happen, confirms, and sees the anonymised page; the staff list no longer finds her; the retention
// page shows the periods. Every page axe-clean at 1280 and 390 px.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/anonymise.test.mjs` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USERS, useApp, h1, clickNav, journey, pathOf, follow, mainText } from './harness.mjs';

const { loggedIn } = useApp();

test('15. the coordinator anonymises a person who left, and reads what the retention job will do',
  journey(async (t, checkPage) => {
    const page = await loggedIn(USERS.koordinator);
    const main = page.getByRole('main');

    // --- Nadia Jensen leaves --------------------------------------------------------------
    await clickNav(page, 'Medarbejdere');
    await page.getByLabel('Søg', { exact: true }).pressSequentially('Nadia');
    await follow(page, main.getByRole('button', { name: 'Søg', exact: true }));
    await follow(page, main.getByRole('link', { name: 'Nadia Jensen', exact: true }));
    assert.match(pathOf(page), /^\/medarbejdere\/[0-9a-f-]{36}$/);
    const personPath = pathOf(page);
    await follow(page, main.getByRole('link', { name: 'Rediger', exact: true }));
    await main.getByRole('checkbox', { name: 'Ansat i konsortiet' }).uncheck();
    await follow(page, main.getByRole('button', { name: 'Gem ændringer', exact: true }));
    assert.equal(pathOf(page), personPath);
    assert.match(await mainText(page), /Nadia Jensen er stoppet/);

    // --- "Anonymisér": what will happen, then confirm ---------------------------------------
    await follow(page, main.getByRole('link', { name: 'Anonymisér', exact: true }));
    assert.equal(pathOf(page), `${personPath}/anonymiser`);
    assert.equal(await h1(page), 'Anonymisér Nadia Jensen?');
    const confirm = await mainText(page);
    assert.match(confirm, /kan ikke fortrydes/);
    assert.match(confirm, /Navnet bliver «Anonymiseret person»/);
    assert.match(confirm, /BM-filens tal/);
    await checkPage(page, 'medarbejder-anonymiser');
    await follow(page, main.getByRole('button', { name: 'Anonymisér Nadia Jensen', exact: true }));
    assert.equal(pathOf(page), personPath);
    assert.match(await h1(page), /^Anonymiseret person \d+$/);
    const done = await mainText(page);
    assert.match(done, /Personen er anonymiseret/);
    assert.match(done, /anonymiseret@|anonymiseret-\d+@anonymiseret\.invalid/);
    assert.doesNotMatch(done, /Nadia/);
    assert.equal(await main.getByRole('link', { name: 'Anonymisér', exact: true }).count(), 0,
      'no second anonymisation offered');
    await checkPage(page, 'medarbejder-anonymiseret');

    // --- The staff list no longer knows her ------------------------------------------------
    await clickNav(page, 'Medarbejdere');
    await page.getByLabel('Søg', { exact: true }).pressSequentially('Nadia');
    await follow(page, main.getByRole('button', { name: 'Søg', exact: true }));
    assert.equal(await main.getByRole('link', { name: 'Nadia Jensen', exact: true }).count(), 0);

    // --- Opbevaring -----------------------------------------------------------------------
    await follow(page, main.getByRole('link', { name: 'Opbevaring og anonymisering', exact: true }));
    assert.equal(pathOf(page), '/opbevaring');
    assert.equal(await h1(page), 'Opbevaring');
    const retention = await mainText(page);
    assert.match(retention, /Personer, der er stoppet/);
    assert.match(retention, /RETENTION_STAFF_YEARS/);
    assert.match(retention, /Ingen personers opbevaringsperiode er udløbet/);
    await checkPage(page, 'opbevaring');
  }));
