// Udsyn's goal journey in a real browser (headless Chromium), through the real UI: a school leader
// enters this year's measurement of an indicator, and the coordinator sees the goal's chart change
// and prints the annual goal report.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import {
  USERS, useApp, textOf, assertErrorSummary, h1, clickNav, journey, pathOf, follow, SCREEN_DIR,
} from './harness.mjs';

const { loggedIn, logout } = useApp();

const SCHOOL = 'Engbakkeskolen (demo)';
const GOAL = 'Mål 3: Faglighed, trivsel og mestring';
const INDICATOR = 'Eksklusionsprocent';
const NOTE = 'Kommunens elevdata pr. 1. august 2026: 14 af 333 elever var ekskluderet til specialtilbud.';

/** The indicator card (a <section> labelled by its h3) on a goal page. */
function indicatorCard(page) {
  return page.getByRole('main').locator('section.udsyn-indicator')
    .filter({ has: page.getByRole('heading', { name: INDICATOR, exact: true }) });
}

/** What the card shows: latest value, progress, chart (title, dashed lines, points) and table. */
async function readCard(card) {
  assert.equal(await card.count(), 1, `one "${INDICATOR}" card`);
  const chart = card.locator('svg.udsyn-linechart');
  assert.equal(await chart.count(), 1, 'the card has a line chart');
  const rows = await card.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('th').textContent.trim(), tr.querySelector('td').textContent.trim()]));
  return {
    latest: (await textOf(card.locator('p', { hasText: /^\s*Seneste:/ }))),
    progress: await textOf(card.locator('.udsyn-progress-row span')),
    title: (await chart.locator('title').textContent()).trim(),
    baseline: await chart.locator('.udsyn-baseline').count(),
    target: await chart.locator('.udsyn-target').count(),
    points: await chart.locator('circle').count(),
    rows,
  };
}

test('10. a school leader enters this year\'s measurement and the coordinator sees the goal\'s chart change',
  journey(async (t, checkPage) => {
    // --- The school leader finds the goal ---------------------------------------------------------
    let page = await loggedIn(USERS.skoleleder);
    const goalsHeading = page.getByRole('main').getByRole('heading', { name: 'Målene mod udgangspunktet', level: 2 });
    assert.equal(await goalsHeading.count(), 1, 'the start page has "Målene mod udgangspunktet"');
    const startLines = page.getByRole('main').locator('.udsyn-goal-lines > li');
    assert.ok(await startLines.count() >= 3, `goal lines on the start page (${await startLines.count()})`);
    assert.equal(await startLines.getByRole('link', { name: GOAL, exact: true }).count(), 1, `a line for "${GOAL}"`);
    assert.equal(await page.locator('main svg.udsyn-linechart').count(), 0, 'no charts on the start page');

    await clickNav(page, 'Mål');
    assert.equal(pathOf(page), '/maal');
    assert.equal(await h1(page), 'Mål');
    await checkPage(page, 'maal');

    await follow(page, page.getByRole('main').getByRole('heading', { name: GOAL, level: 2 })
      .getByRole('link', { name: GOAL, exact: true }));
    const goalPath = pathOf(page);
    assert.match(goalPath, /^\/maal\/[0-9a-f-]{36}$/, `the goal page: ${page.url()}`);
    assert.equal(await h1(page), GOAL);

    let card = indicatorCard(page);
    const before = await readCard(card);
    t.diagnostic(`before: ${JSON.stringify(before)}`);
    assert.equal(before.latest, 'Seneste: 4,9 % (2024/25)');
    assert.equal(before.title, INDICATOR, 'the chart\'s <title>');
    assert.equal(before.baseline, 1, 'a dashed baseline');
    assert.equal(before.target, 1, 'a dashed target line');
    assert.ok(before.points >= 1, 'the chart has points');
    assert.deepEqual(before.rows.map((r) => r[0]), ['Udgangspunkt', 'Mål', '2022/23', '2023/24', '2024/25']);
    assert.ok((await textOf(card.locator('.udsyn-muted'))).startsWith(SCHOOL), 'the card shows the school\'s figures');
    await checkPage(page, 'maal-3-skoleleder');

    // --- The measurement form, wrong once -----------------------------------------------------------
    await follow(page, card.getByRole('link', { name: /^Indtast måling/ }));
    const formPath = pathOf(page);
    assert.match(formPath, /^\/indikatorer\/[0-9a-f-]{36}\/maaling$/, `the form: ${page.url()}`);
    assert.equal(await h1(page), `Ny måling: ${INDICATOR}`);
    await checkPage(page, 'maaling-ny');

    const main = page.getByRole('main');
    const period = main.getByLabel('Skoleår', { exact: true });
    const value = main.getByLabel('Værdi', { exact: true });
    const note = main.getByLabel('Note eller belæg', { exact: true });
    await value.fill('');
    await value.pressSequentially('120');
    await follow(page, main.getByRole('button', { name: 'Gem måling', exact: true }));
    assert.equal(pathOf(page), formPath, 'a form with errors stays on the form');
    await assertErrorSummary(page, { messages: { vaerdi: 'Værdien skal ligge mellem 0 og 100.' } });
    assert.equal(await value.getAttribute('aria-invalid'), 'true', 'Værdi is aria-invalid');
    assert.equal(await value.inputValue(), '120', 'what was typed is kept');
    assert.ok((await textOf(page.locator('#vaerdi-error'))).includes('Værdien skal ligge mellem 0 og 100.'),
      'the message at the field');
    await checkPage(page, 'maaling-ny-fejl');

    await period.fill('');
    await period.pressSequentially('2025/26');
    await value.fill('');
    await value.pressSequentially('4,2');
    await note.fill('');
    await note.pressSequentially(NOTE);
    await follow(page, page.getByRole('main').getByRole('button', { name: 'Gem måling', exact: true }));

    // --- Back on the goal page: saved, and the card has changed --------------------------------
    assert.equal(pathOf(page), goalPath, `after "Gem måling": ${page.url()}`);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Gemt.' }).count(), 1, 'the "Gemt." message');
    card = indicatorCard(page);
    const after = await readCard(card);
    t.diagnostic(`after: ${JSON.stringify(after)}`);
    assert.equal(after.latest, 'Seneste: 4,2 % (2025/26)');
    assert.equal(after.progress, '92 % af vejen fra udgangspunkt til mål.');
    assert.equal(after.points, before.points + 1, 'one more point in the chart');
    assert.deepEqual(after.rows.at(-1), ['2025/26', '4,2 %'], 'the table\'s last row');
    assert.deepEqual(after.rows.slice(0, -1), before.rows, 'the other rows are unchanged');
    assert.ok((await card.locator('svg.udsyn-linechart desc').textContent()).includes('2025/26: 4,2 %'),
      'the chart\'s description has the new measurement');
    await checkPage(page, 'maal-3-gemt');
    await logout(page);

    // --- The coordinator sees the school's new figure -----------------------------------------
    page = await loggedIn(USERS.koordinator);
    await clickNav(page, 'Mål');
    assert.equal(pathOf(page), '/maal');
    await follow(page, page.getByRole('main').getByRole('heading', { name: GOAL, level: 2 })
      .getByRole('link', { name: GOAL, exact: true }));
    assert.equal(pathOf(page), goalPath);
    assert.equal(await h1(page), GOAL);
    const view = page.getByRole('main').getByLabel('Vis tal for', { exact: true });
    const options = await view.locator('option').allInnerTexts();
    t.diagnostic(`"Vis tal for" options: ${options.join(' | ')}`);
    t.diagnostic(`coordinator's default view: ${JSON.stringify(await readCard(indicatorCard(page)).catch((e) => e.message))}`);
    await checkPage(page, 'maal-3-koordinator');

    await view.selectOption({ label: SCHOOL });
    await follow(page, page.getByRole('main').getByRole('button', { name: 'Vis', exact: true }));
    assert.equal(pathOf(page), goalPath);
    assert.ok(new URL(page.url()).searchParams.get('visning'), `?visning= in ${page.url()}`);
    assert.equal(await view.locator('option:checked').innerText(), SCHOOL, 'the chosen view is kept');
    const school = await readCard(indicatorCard(page));
    t.diagnostic(`coordinator, ${SCHOOL}: ${JSON.stringify(school)}`);
    assert.equal(school.latest, 'Seneste: 4,2 % (2025/26)');
    assert.equal(school.points, after.points, 'the same points as the leader sees');
    assert.deepEqual(school.rows, after.rows, 'the same table as the leader sees');
    await checkPage(page, 'maal-3-koordinator-skole');

    // --- The annual report, on screen and in print -------------------------------------------
    await page.goto('/maal/rapport/2026');
    assert.equal(pathOf(page), '/maal/rapport/2026');
    assert.equal(await h1(page), 'Målrapport for skoleåret 2025/26');
    await checkPage(page, 'maalrapport-2026');

    await page.emulateMedia({ media: 'print' });
    try {
      const menu = page.locator('.navigation-menu');
      assert.ok(await menu.count() >= 1, 'the page has a .navigation-menu');
      for (let i = 0; i < await menu.count(); i++) {
        assert.equal(await menu.nth(i).isVisible(), false, 'the header navigation is not printed');
      }
      assert.equal(await page.getByRole('button', { name: 'Log ud' }).isVisible(), false, '"Log ud" is not printed');
      assert.ok(await page.locator('main h1').first().isVisible(), 'the report\'s h1 is printed');
      fs.mkdirSync(SCREEN_DIR, { recursive: true });
      // A4 width at 96 dpi (210 mm ≈ 794 px), so that the screenshot looks like the printed page.
      await page.setViewportSize({ width: 794, height: 1123 });
      await page.screenshot({ path: path.join(SCREEN_DIR, 'maalrapport-print.png'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      fs.writeFileSync(path.join(SCREEN_DIR, 'maalrapport-print.pdf'), pdf);
      t.diagnostic(`print PDF: ${pdf.length} bytes`);
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await logout(page);
  }));
