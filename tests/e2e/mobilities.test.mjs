// Udsyn's mobility journey in a real browser (headless Chromium), through the real UI: a school
// leader registers and submits a job-shadowing trip to Lisbon, the coordinator approves it and
// finds it on the year's timeline, and the teacher sees it and subscribes to it in her calendar.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, useApp, mainText, assertErrorSummary, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const { loggedIn, logout } = useApp();

/**
 * Ticks a checkbox in a table row as a person would: a mouse click on the middle of the box that
 * is drawn for it (DKFDS hides the <input> and draws the box as its label's ::before). Asserts
 * that the box lies vertically within its own table row and that the click lands on this row's
 * checkbox or label (not on a neighbour's, as when the boxes were drawn on top of each other).
 */
async function tickInRow(page, checkbox, name) {
  await checkbox.scrollIntoViewIfNeeded();
  const where = await checkbox.evaluate((input) => {
    const label = input.labels && input.labels[0];
    if (!label) return { error: 'the checkbox has no <label>' };
    // The ::before box: absolutely positioned in the label's containing block.
    const before = getComputedStyle(label, '::before');
    let cb = label;
    while (cb && cb !== document.body && getComputedStyle(cb).position === 'static') cb = cb.parentElement;
    const cbRect = cb.getBoundingClientRect();
    const cbStyle = getComputedStyle(cb);
    const left = cbRect.left + parseFloat(cbStyle.borderLeftWidth) + parseFloat(before.left) + parseFloat(before.marginLeft);
    const top = cbRect.top + parseFloat(cbStyle.borderTopWidth) + parseFloat(before.top) + parseFloat(before.marginTop);
    const box = { x: left, y: top, width: parseFloat(before.width), height: parseFloat(before.height) };
    const r = input.getBoundingClientRect();
    const tr = input.closest('tr');
    const row = tr.getBoundingClientRect();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const hit = document.elementFromPoint(cx, cy);
    const round = (b) => [b.x, b.y, b.width, b.height].map(Math.round).join(',');
    return {
      box: round(box),
      input: round(r),
      row: round(row),
      drawnInRow: box.y >= row.top && box.y + box.height <= row.bottom,
      inputInRow: r.top >= row.top && r.bottom <= row.bottom,
      hitOwn: !!hit && (hit === input || hit === label || label.contains(hit)),
      hit: hit ? `${hit.tagName.toLowerCase()}${hit.id ? `#${hit.id}` : ''}${hit.htmlFor ? `[for=${hit.htmlFor}]` : ''}` : 'nothing',
      cx,
      cy,
    };
  });
  assert.ok(!where.error, `${name}: ${where.error}`);
  const seen = `box x,y,w,h ${where.box}; input ${where.input}; row ${where.row}; the middle of the box hits ${where.hit}`;
  assert.ok(where.drawnInRow && where.inputInRow,
    `/mobiliteter/ny: the checkbox of "${name}" is not drawn within its own table row (${seen})`);
  assert.ok(where.hitOwn,
    `/mobiliteter/ny: a click on the checkbox of "${name}" does not land on it (${seen})`);
  await page.mouse.click(where.cx, where.cy);
  assert.ok(await checkbox.isChecked(), `${name} is ticked by a mouse click on its box (${seen})`);
  // Still inside its row once ticked (the checked style must not move it).
  const after = await checkbox.evaluate((input) => {
    const r = input.getBoundingClientRect();
    const row = input.closest('tr').getBoundingClientRect();
    return r.top >= row.top && r.bottom <= row.bottom;
  });
  assert.ok(after, `the ticked checkbox of "${name}" is within its own row`);
  return seen;
}

const PARTNER = 'Agrupamento de Escolas de Benfica (demo)';
const TITLE = `Jobshadowing hos ${PARTNER}`;
const WHEN = '8.–12. marts 2027';
const TEACHERS = ['Sofie Bækgaard', 'Anders Vinther'];
const PURPOSE = 'Se hvordan Benficas inkluderende læringscentre støtter elever i almenklassen.';

test('9. a mobility to Lisbon: registered by the leader, approved by the coordinator, in the teacher\'s calendar',
  journey(async (t, checkPage) => {
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
    assert.match(partnerLabel, /Lissabon/);

    // Everything but the dates, as a person would fill it in.
    await activity.selectOption({ label: 'Jobshadowing' });
    await partner.selectOption({ label: partnerLabel });
    await travelDays.fill('');
    await travelDays.pressSequentially('2');
    await transport.selectOption({ label: 'Fly' });
    for (const name of TEACHERS) {
      t.diagnostic(`${name}: ${await tickInRow(page, people.getByRole('checkbox', { name, exact: true }), name)}`);
      assert.equal(await people.getByLabel(`Rolle for ${name}`, { exact: true }).locator('option:checked').innerText(),
        'Deltager', `${name} is "Deltager" by default`);
    }
    await purpose.pressSequentially(PURPOSE);
    await goal2.check();

    // The error pattern once: "Gem og indstil til godkendelse" without dates.
    await follow(page, page.getByRole('button', { name: 'Gem og indstil til godkendelse' }));
    assert.equal(pathOf(page), '/mobiliteter/ny', 'a form with errors stays on /mobiliteter/ny');
    const links = await assertErrorSummary(page, { fields: ['start_date', 'end_date'] });
    t.diagnostic(`error summary links: ${links.map((l) => l.href).join(' ')}`);
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
    assert.equal(created.searchParams.get('gemt'), 'oprettet-indstillet');
    const mobilityPath = created.pathname;
    assert.equal(await h1(page), TITLE);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Oprettet og indstillet til godkendelse.' }).count(), 1, 'the "Oprettet og indstillet til godkendelse." message');
    const lead = (await page.locator('main .font-lead').first().innerText()).replace(/\s+/g, ' ');
    assert.ok(lead.includes(WHEN), `the period "${WHEN}" (${lead})`);
    assert.equal((await page.locator('main .font-lead .badge').innerText()).trim(), 'Indstillet');
    const participants = page.getByRole('region', { name: 'Deltagere', exact: true });
    for (const name of TEACHERS) {
      assert.equal(await participants.getByRole('cell', { name, exact: true }).count(), 1, `${name} among the participants`);
    }
    assert.equal(await participants.locator('tbody tr').count(), 2, 'two participants');
    const facts = await mainText(page);
    assert.ok(facts.includes('Lissabon, Portugal'), 'the place "Lissabon, Portugal"');
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
  }));
