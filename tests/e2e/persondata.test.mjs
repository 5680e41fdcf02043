// Who has seen a person's data, and everything Udsyn holds about them, in a real browser: the
// coordinator opens a teacher's page and finds "Hvem har set oplysningerne", follows it to the
// access log filtered on her, and opens her data; the teacher opens "Mine data" from her desk and
// downloads the JSON file, which names the coordinator's look. Every page axe-clean at 1280 and
// 390 px.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/persondata.test.mjs` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  USERS, useApp, textOf, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const { loggedIn, logout } = useApp();

const SOFIE = 'Sofie Bækgaard';

test('17. the coordinator sees who has looked at a teacher\'s data and what Udsyn holds, and the teacher downloads her own',
  journey(async (t, checkPage) => {
    // --- The coordinator finds Sofie ------------------------------------------------------------
    let page = await loggedIn(USERS.koordinator);
    await clickNav(page, 'Medarbejdere');
    let main = page.getByRole('main');
    await main.getByLabel('Søg', { exact: true }).fill('Sofie');
    await follow(page, main.getByRole('button', { name: 'Søg', exact: true }));
    await follow(page, main.getByRole('link', { name: SOFIE, exact: true }));
    assert.match(pathOf(page), /^\/medarbejdere\/[0-9a-f-]{36}$/);
    const personPath = pathOf(page);
    assert.equal(await h1(page), SOFIE);

    // "Hvem har set oplysningerne": this very look is in it, by the coordinator.
    main = page.getByRole('main');
    const seen = main.getByRole('region', { name: 'Hvem har set oplysningerne' });
    assert.match(await textOf(seen), /Mette Kjær Andersen Personens side Sofie Bækgaard/);
    await checkPage(page, 'medarbejder-hvem-har-set');

    // --- The access log, filtered on her --------------------------------------------------------
    await follow(page, main.getByRole('link', { name: `Hele adgangsloggen for ${SOFIE}`, exact: true }));
    assert.equal(pathOf(page), '/adgangslog');
    assert.equal(await h1(page), 'Adgangslog');
    main = page.getByRole('main');
    assert.match(await textOf(main), new RegExp(`Adgange til ${SOFIE}`));
    assert.match(await textOf(main.getByRole('region', { name: 'Adgange' })), /Personens side/);
    await checkPage(page, 'adgangslog-person');
    await follow(page, main.getByRole('link', { name: /^Fjern filteret/ }));
    assert.equal(page.url().includes('person='), false);
    await checkPage(page, 'adgangslog');

    // --- Her data ---------------------------------------------------------------------------------
    await page.goto(personPath);
    await follow(page, page.getByRole('main').getByRole('link', { name: `Se alt, Udsyn har om ${SOFIE}`, exact: true }));
    assert.equal(pathOf(page), `${personPath}/persondata`);
    assert.equal(await h1(page), `Persondata: ${SOFIE}`);
    main = page.getByRole('main');
    for (const heading of ['Registrering', 'Login', 'Mobiliteter', 'Rapporter', 'Refleksioner', 'Hvem har set oplysningerne']) {
      assert.equal(await main.getByRole('heading', { name: heading, exact: true, level: 2 }).count(), 1, heading);
    }
    await checkPage(page, 'persondata-koordinator');
    await logout(page);

    // --- Sofie: Mine data from her desk, and the file --------------------------------------------
    page = await loggedIn(USERS.medarbejder);
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Mine data', exact: true }));
    assert.equal(pathOf(page), '/mine-data');
    assert.equal(await h1(page), 'Mine data');
    main = page.getByRole('main');
    assert.match(await textOf(main.getByRole('region', { name: 'Hvem har set oplysningerne' })),
      /Mette Kjær Andersen Persondata/, 'she sees that the coordinator opened her data');
    await checkPage(page, 'mine-data');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      main.getByRole('link', { name: 'Hent som JSON-fil', exact: true }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^persondata-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(doc.person.name, SOFIE);
    assert.equal(doc.account.email, USERS.medarbejder.email);
    assert.ok(doc.mobilities.length > 0, 'her mobilities');
    assert.ok(doc.access_log.some((a) => a.who === 'Mette Kjær Andersen' && a.kind === 'persondata'),
      'the coordinator\'s look is in her file');
    assert.equal(JSON.stringify(doc).includes('$argon2'), false, 'no password hash');
    await logout(page);
  }));
