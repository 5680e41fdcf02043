// Udsyn's mobility journey in a real browser (headless Chromium), through the real UI: a school
// leader registers and submits a job-shadowing trip to Lisbon, the coordinator approves it and
// finds it on the year's timeline, and the teacher sees it and subscribes to it in her calendar.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, startApp, launchBrowser, newPage, login, h1, clickNav, navigate, journey, pathOf, follow,
} from './harness.mjs';

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

async function loggedIn(user) {
  const { context, page } = await newPage(browser, app.baseURL);
  contexts.push(context);
  await page.goto('/login');
  await login(page, user.email);
  assert.equal(await h1(page), user.h1);
  return page;
}

async function logout(page) {
  await navigate(page, () => page.getByRole('button', { name: 'Log ud' }).click());
  assert.equal(pathOf(page), '/login', 'after "Log ud" the login page');
  await page.context().close();
}

/** The visible text of <main>, with runs of white space made one space. */
async function mainText(page) {
  return (await page.getByRole('main').innerText()).replace(/\s+/g, ' ');
}

/**
 * Ticks a checkbox in a table row as a person would: with the mouse on its box when the box is in
 * the row, else (a layout bug, recorded in `problems`) with the keyboard, so that the journey goes on.
 */
async function tickInRow(page, checkbox, name, problems) {
  const where = await checkbox.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const row = el.closest('tr').getBoundingClientRect();
    const cy = r.top + r.height / 2;
    return { inRow: cy >= row.top && cy <= row.bottom, box: [r.x, r.y, r.width, r.height].map(Math.round), row: [row.x, row.y, row.width, row.height].map(Math.round) };
  });
  if (where.inRow) {
    await checkbox.check();
  } else {
    problems.push(`/mobiliteter/ny: the checkbox of "${name}" is drawn outside its table row `
      + `(box x,y,w,h ${where.box}; row ${where.row}), so a mouse or touch user cannot tick it`);
    await checkbox.focus();
    await page.keyboard.press('Space');
  }
  assert.ok(await checkbox.isChecked(), `${name} is ticked`);
}

/** Asserts that the error summary is shown, has focus, and that the title starts with "Fejl: ". */
async function assertErrorSummary(page, expectedFields) {
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  assert.equal((await summary.getByRole('heading').innerText()).trim(), 'Der er problemer');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'error-summary',
    'the error summary has focus');
  assert.match(await page.title(), /^Fejl: /);
  const links = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const field of expectedFields) {
    assert.ok(links.includes(`#${field}`), `the summary links to #${field} (${links})`);
  }
  for (const href of links) assert.equal(await page.locator(href).count(), 1, `${href} exists`);
  return links;
}

const PARTNER = 'Agrupamento de Escolas de Benfica (demo)';
const TITLE = `Jobshadowing hos ${PARTNER}`;
const WHEN = '8.–12. marts 2027';
const TEACHERS = ['Sofie Bækgaard', 'Anders Vinther'];
const PURPOSE = 'Se hvordan Benficas inkluderende læringscentre støtter elever i almenklassen.';

test('9. a mobility to Lisbon: registered by the leader, approved by the coordinator, in the teacher\'s calendar',
  journey(async (t, checkPage) => {
    const problems = []; // app problems that do not stop the journey; the test fails with them at its end
    // --- The school leader registers and submits the mobility --------------------------------
    let page = await loggedIn(USERS.skoleleder);
    await clickNav(page, 'Mobiliteter');
    assert.equal(pathOf(page), '/mobiliteter');
    assert.equal(await h1(page), 'Mobiliteter');
    await checkPage(page, 'mobiliteter-skoleleder');

    await follow(page, page.getByRole('main').getByRole('link', { name: 'Ny mobilitet', exact: true }));
    assert.equal(pathOf(page), '/mobiliteter/ny');
    assert.equal(await h1(page), 'Ny mobilitet');
    await checkPage(page, 'mobilitet-ny');

    const form = page.getByRole('main');
    const activity = form.getByLabel('Aktivitet', { exact: true });
    const partner = form.getByLabel('Værtsorganisation (partner)', { exact: true });
    const start = form.getByLabel('Første dag', { exact: true });
    const end = form.getByLabel('Sidste dag', { exact: true });
    const travelDays = form.getByLabel('Rejsedage', { exact: true });
    const transport = form.getByLabel('Transportmiddel', { exact: true });
    const purpose = form.getByLabel('Formål', { exact: true });
    const people = form.getByRole('group', { name: 'Deltagere', exact: true });
    const goals = form.getByRole('group', { name: 'Hvilke mål tjener mobiliteten?' });
    const goal2 = goals.getByRole('checkbox', { name: /^Mål 2\b/ });

    const partnerLabel = (await partner.locator('option').allInnerTexts()).find((o) => o.includes(PARTNER));
    assert.ok(partnerLabel, `an option with "${PARTNER}" among the partners`);
    t.diagnostic(`partner option: ${partnerLabel}`);
    assert.match(partnerLabel, /Portugal/);
    assert.match(partnerLabel, /Lisbon/);

    // Everything but the dates, as a person would fill it in.
    await activity.selectOption({ label: 'Jobshadowing' });
    await partner.selectOption({ label: partnerLabel });
    await travelDays.fill('');
    await travelDays.pressSequentially('2');
    await transport.selectOption({ label: 'Fly' });
    for (const name of TEACHERS) {
      await tickInRow(page, people.getByRole('checkbox', { name, exact: true }), name, problems);
      assert.equal(await people.getByLabel(`Rolle for ${name}`, { exact: true }).locator('option:checked').innerText(),
        'Deltager', `${name} is "Deltager" by default`);
    }
    await purpose.pressSequentially(PURPOSE);
    await goal2.check();

    // The error pattern once: "Gem og indstil til godkendelse" without dates.
    await follow(page, page.getByRole('button', { name: 'Gem og indstil til godkendelse' }));
    assert.equal(pathOf(page), '/mobiliteter/ny', 'a form with errors stays on /mobiliteter/ny');
    const links = await assertErrorSummary(page, ['start_date', 'end_date']);
    t.diagnostic(`error summary links: ${links.join(' ')}`);
    assert.equal(await start.getAttribute('aria-invalid'), 'true');
    assert.equal(await end.getAttribute('aria-invalid'), 'true');
    // What was typed and chosen is kept.
    assert.equal(await activity.locator('option:checked').innerText(), 'Jobshadowing');
    assert.equal(await partner.locator('option:checked').innerText(), partnerLabel);
    assert.equal(await travelDays.inputValue(), '2');
    assert.equal(await transport.locator('option:checked').innerText(), 'Fly');
    assert.equal(await purpose.inputValue(), PURPOSE);
    assert.ok(await goal2.isChecked(), '"Mål 2" is still ticked');
    for (const name of TEACHERS) {
      assert.ok(await people.getByRole('checkbox', { name, exact: true }).isChecked(), `${name} is still ticked`);
    }
    await checkPage(page, 'mobilitet-ny-fejl');

    await start.pressSequentially('08.03.2027');
    await end.pressSequentially('12.03.2027');
    await follow(page, page.getByRole('button', { name: 'Gem og indstil til godkendelse' }));
    const created = new URL(page.url());
    assert.match(created.pathname, /^\/mobiliteter\/[0-9a-f-]{36}$/, `after "Gem og indstil": ${page.url()}`);
    assert.equal(created.searchParams.get('gemt'), '1');
    const mobilityPath = created.pathname;
    assert.equal(await h1(page), TITLE);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Gemt.' }).count(), 1, 'the "Gemt." message');
    const lead = (await page.locator('main .font-lead').first().innerText()).replace(/\s+/g, ' ');
    assert.ok(lead.includes(WHEN), `the period "${WHEN}" (${lead})`);
    assert.equal((await page.locator('main .font-lead .badge').innerText()).trim(), 'Indstillet');
    const participants = page.getByRole('region', { name: 'Deltagere', exact: true });
    for (const name of TEACHERS) {
      assert.equal(await participants.getByRole('cell', { name, exact: true }).count(), 1, `${name} among the participants`);
    }
    assert.equal(await participants.locator('tbody tr').count(), 2, 'two participants');
    const facts = await mainText(page);
    assert.ok(facts.includes('Lisbon, Portugal'), 'the place "Lisbon, Portugal"');
    assert.ok(facts.includes(PURPOSE), 'the purpose');
    assert.match(facts, /Mål 2/, 'goal 2');
    await checkPage(page, 'mobilitet-indstillet');
    await logout(page);

    // --- The coordinator approves it and finds it on the timeline ------------------------------
    page = await loggedIn(USERS.koordinator);
    await clickNav(page, 'Mobiliteter');
    assert.equal(pathOf(page), '/mobiliteter');
    const row = page.getByRole('main').locator('table tbody tr')
      .filter({ has: page.locator('td', { hasText: new RegExp(`^${PARTNER.replace(/[()]/g, '\\$&')}$`) }) });
    assert.equal(await row.count(), 1, `one row with the partner "${PARTNER}"`);
    const rowLink = row.locator(`a[href="${mobilityPath}"]`);
    assert.equal(await rowLink.count(), 1, 'the row links to the mobility');
    assert.equal((await rowLink.innerText()).trim(), WHEN);
    await checkPage(page, 'mobiliteter-koordinator');
    await follow(page, rowLink);
    assert.equal(pathOf(page), mobilityPath);
    assert.equal(await h1(page), TITLE);
    await checkPage(page, 'mobilitet-til-godkendelse');

    await follow(page, page.getByRole('main').getByRole('button', { name: 'Godkend', exact: true }));
    assert.equal(pathOf(page), mobilityPath);
    assert.equal((await page.locator('main .font-lead .badge').innerText()).trim(), 'Godkendt');
    const history = await page.locator('#historik + ol').innerText();
    assert.ok(history.includes('Indstillet → Godkendt'), `the history shows "Indstillet → Godkendt":\n${history}`);
    await checkPage(page, 'mobilitet-godkendt');

    await clickNav(page, 'Oversigt');
    assert.equal(pathOf(page), '/oversigt');
    await page.getByLabel('År', { exact: true }).selectOption('2027');
    await follow(page, page.getByRole('main').getByRole('button', { name: 'Vis', exact: true }));
    assert.equal(pathOf(page), '/oversigt');
    assert.equal(new URL(page.url()).searchParams.get('aar'), '2027');
    assert.equal(await h1(page), 'Oversigt over mobiliteterne i 2027');
    const bar = page.locator(`main svg a[href="${mobilityPath}"]`);
    assert.equal(await bar.count(), 1, 'the timeline has a bar linking to the mobility');
    const barTitle = await bar.locator('title').textContent();
    t.diagnostic(`timeline bar title: ${barTitle}`);
    const tableRow = page.getByRole('region', { name: 'Mobiliteter i 2027' }).locator('tbody tr')
      .filter({ has: page.locator(`a[href="${mobilityPath}"]`) });
    assert.equal(await tableRow.count(), 1, 'the table beneath the timeline lists the mobility');
    const tableText = (await tableRow.innerText()).replace(/\s+/g, ' ');
    for (const s of [WHEN, PARTNER, 'Godkendt', 'Engbakkeskolen (demo)']) {
      assert.ok(tableText.includes(s), `the overview row has "${s}": ${tableText}`);
    }
    await checkPage(page, 'oversigt-2027');
    await logout(page);

    // --- The teacher sees the trip and subscribes to it in her calendar ------------------------
    page = await loggedIn(USERS.medarbejder);
    await clickNav(page, 'Mine mobiliteter');
    assert.equal(pathOf(page), '/mine-mobiliteter');
    const mine = page.getByRole('region', { name: 'Mine kommende mobiliteter' }).locator('tbody tr')
      .filter({ has: page.locator(`a[href="${mobilityPath}"]`) });
    assert.equal(await mine.count(), 1, 'the Lisbon trip is among the upcoming');
    const mineText = (await mine.innerText()).replace(/\s+/g, ' ');
    for (const s of [WHEN, PARTNER, 'Godkendt']) {
      assert.ok(mineText.includes(s), `the row has "${s}": ${mineText}`);
    }
    await checkPage(page, 'mine-mobiliteter');

    await follow(page, page.getByRole('main').getByRole('link', { name: 'Få dine rejser i din kalender (Outlook)' }));
    assert.equal(pathOf(page), '/kalender');
    assert.equal(await h1(page), 'Kalender');
    await checkPage(page, 'kalender');

    await follow(page, page.getByRole('main').getByRole('button', { name: 'Mine mobiliteter', exact: true }));
    const feedInput = page.getByLabel('Kalenderadresse', { exact: true });
    assert.equal(await feedInput.count(), 1, 'the "Kalenderadresse" field');
    assert.ok(await feedInput.evaluate((e) => e.readOnly), 'the address field is read-only');
    const feedURL = await feedInput.inputValue();
    t.diagnostic(`feed URL: ${feedURL.replace(/[^/]+\.ics$/, '…ics')}`);
    assert.match(feedURL, /^https?:\/\/.+\.ics$/, 'the address is a URL ending in .ics');
    const feed = await page.request.get(feedURL);
    assert.equal(feed.status(), 200);
    t.diagnostic(`feed: ${feed.headers()['content-type']}`);
    const ics = await feed.text();
    assert.ok(ics.includes('BEGIN:VCALENDAR'), 'the feed is an iCalendar file');
    assert.ok(ics.includes('DTSTART;VALUE=DATE:20270308'), `the feed has the Lisbon trip's first day:\n${ics.slice(0, 2000)}`);
    await checkPage(page, 'kalender-ny-adresse');
    await logout(page);
    assert.deepEqual(problems, [], 'problems found on the way');
  }));
