// What a newcomer stumbled on (issue 17), in a real browser by visible labels: the annual goal
// report and the calendar are reachable from where people plan; the mobility page keeps the
// programme's codes and the unchecked duration rule for the coordinator, in plain Danish; the
// reason fields read "Begrundelse for at afvise" / "aflyse"; the outbox says in words why mail is
// not sent; a follow-up that cannot be answered yet shows its date, not a link; and at 390 px the
// header keeps the name and the role apart.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/newcomer.test.mjs` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  USERS, useApp, textOf, mainText, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const running = useApp();
const { loggedIn, logout } = running;

/** One value from the app's database (for setting up a report submitted today). */
function sql(query) {
  const u = new URL((process.env.E2E_PG_URL || 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''));
  return execFileSync('psql', ['-h', u.hostname || '127.0.0.1', '-p', u.port || '5432',
    '-U', decodeURIComponent(u.username || 'postgres'), '-d', running.app.database, '-v', 'ON_ERROR_STOP=1',
    '-qtAc', query], { encoding: 'utf8' }).trim();
}

test('12. a newcomer finds the goal report and the calendar, reads plain Danish, and sees when a follow-up opens',
  journey(async (t, checkPage) => {
    // --- The coordinator: the goal report from Mål -------------------------------------------------
    let page = await loggedIn(USERS.koordinator);
    await clickNav(page, 'Mål');
    assert.equal(pathOf(page), '/maal');
    const reports = page.getByRole('main').getByRole('link', { name: /^Målrapport for skoleåret \d{4}\/\d{2}$/ });
    assert.ok(await reports.count() >= 1, 'a link to the annual goal report on /maal');
    const first = await textOf(reports.first());
    // Every label of the goal charts lies inside its chart (the top y-axis label was cut off).
    const outside = await page.locator('svg.udsyn-linechart').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')].map((el) => [el.textContent, el.getBoundingClientRect()])
        .filter(([, r]) => r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5)
        .map(([text]) => text);
    }));
    assert.deepEqual(outside, [], 'no chart label outside its chart');
    await checkPage(page, 'nybegynder-maal');
    await follow(page, reports.first());
    assert.match(pathOf(page), /^\/maal\/rapport\/\d{4}$/);
    assert.equal(await h1(page), first, `the report's heading is "${first}"`);

    // --- The calendar from Mobiliteter and from the overview -------------------------------------------
    await clickNav(page, 'Mobiliteter');
    const calendar = page.getByRole('main').getByRole('link', { name: 'Få mobiliteterne i din kalender (Outlook)' });
    assert.equal(await calendar.count(), 1, 'the calendar link on /mobiliteter');
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Se oversigten over året' }));
    assert.equal(pathOf(page), '/oversigt');
    // Two trips to one place are told apart by their dates.
    const bars = await page.locator('main .udsyn-chart svg a text').allTextContents();
    assert.ok(bars.length > 1, `bars on the overview (${bars.length})`);
    assert.equal(new Set(bars).size, bars.length, `every bar's label is its own: ${bars.join(' | ')}`);
    for (const b of bars) assert.match(b, / – .+, \d{1,2}\.\d{1,2}\.–\d{1,2}\.\d{1,2}\.$/, `a bar with its dates: ${b}`);
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Få mobiliteterne i din kalender (Outlook)' }));
    assert.equal(pathOf(page), '/kalender');
    await checkPage(page, 'nybegynder-kalender');

    // --- A submitted mobility as the coordinator sees it: codes, the unchecked rule, the reasons ---
    await page.goto('/mobiliteter?status=indstillet');
    const row = page.getByRole('region', { name: 'Mobiliteter', exact: true }).locator('tbody tr').first();
    await follow(page, row.getByRole('link').first());
    const facts = await textOf(page.locator('main dl.udsyn-facts'));
    assert.match(facts, /Aktivitet \S.* \([A-Z]+-[A-Z-]+\)/, `the coordinator sees the activity's code: ${facts}`);
    assert.match(facts, /Varighedsreglen for aktiviteten er ikke kontrolleret mod programguiden for \d{4}\./);
    assert.ok(!facts.includes('skal verificeres mod programguiden'), 'not the old note');
    assert.equal(await page.getByLabel('Begrundelse for at afvise', { exact: true }).count(), 1, '"Begrundelse for at afvise"');
    assert.equal(await page.getByLabel('Begrundelse for at aflyse (valgfri)', { exact: true }).count(), 1, '"Begrundelse for at aflyse (valgfri)"');
    assert.equal(await page.getByText('Begrundelse for at afvis', { exact: true }).count(), 0, 'no "afvis"');
    await checkPage(page, 'nybegynder-mobilitet-koordinator');

    // --- The outbox says why in words ---------------------------------------------------------------
    await page.goto('/udbakke');
    const outbox = await mainText(page);
    assert.ok(outbox.includes('Udsyn sender ikke e-mail, fordi der ikke er sat en mailserver op.'), outbox.slice(0, 400));
    assert.ok(!outbox.includes('SMTP_HOST'), 'the setting\'s name is not on the page');
    await checkPage(page, 'nybegynder-udbakke');

    // --- A follow-up that opens in six months: its date, not a link -----------------------------------
    const report = sql("UPDATE reports SET submitted_at = now() WHERE staff_id = (SELECT id FROM staff WHERE name = 'Mads Kirkegaard') RETURNING id");
    assert.match(report, /^[0-9a-f-]{36}$/, `a report to follow up (${report})`);
    await page.goto(`/rapporter/${report}`);
    const followUp = page.getByRole('main').getByText(/^Kan besvares fra \d{1,2}\. \S+ \d{4}\.$/);
    assert.equal(await followUp.count(), 1, 'the date the follow-up can be answered from');
    assert.equal(await page.getByRole('link', { name: 'Besvar opfølgningen' }).count(), 0, 'no link before then');
    await checkPage(page, 'nybegynder-rapport-opfoelgning-senere');
    await logout(page);

    // --- The school leader: no codes, no internal note; the Danish city name --------------------------
    page = await loggedIn(USERS.skoleleder);
    await clickNav(page, 'Mobiliteter');
    assert.equal(await page.getByRole('main').getByRole('link', { name: 'Få mobiliteterne i din kalender (Outlook)' }).count(), 1,
      'the leader has the calendar link too');
    await follow(page, page.getByRole('region', { name: 'Mobiliteter', exact: true }).locator('tbody tr').first().getByRole('link').first());
    const leaderFacts = await textOf(page.locator('main dl.udsyn-facts'));
    assert.ok(!/\([A-Z]+-[A-Z-]+\)/.test(leaderFacts), `no programme code for the leader: ${leaderFacts}`);
    assert.ok(!leaderFacts.includes('Varighedsreglen') && !leaderFacts.includes('programguiden'), 'no internal note');
    await checkPage(page, 'nybegynder-mobilitet-skoleleder');
    await clickNav(page, 'Partnere');
    const partners = await mainText(page);
    assert.ok(partners.includes('Lissabon') && !partners.includes('Lisbon'), 'Lisbon is "Lissabon"');

    // --- At 390 px the header keeps the name and the role apart ----------------------------------------
    await page.setViewportSize({ width: 390, height: 800 });
    const user = page.locator('.portal-user .user');
    const text = await textOf(user);
    assert.match(text, /\(Skoleleder\)$/, `the user line ends with the role: ${text}`);
    const logo = await page.locator('.udsyn-logo').boundingBox();
    const userBox = await user.boundingBox();
    assert.ok(userBox.y >= logo.y + logo.height - 1,
      `the user line does not run into "Udsyn" (logo ${JSON.stringify(logo)}, user ${JSON.stringify(userBox)})`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await logout(page);
  }));
