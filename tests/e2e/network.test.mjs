// The leaders' network in a real browser (headless Chromium), through the real UI: the coordinator's
// desk shows what waits on the first screen; she plans a network meeting, edits the agenda Udsyn
// drafted, records an action with an owner, and that school leader finds it on his desk and closes it.
// Every page axe-clean at 1280 and 390 px.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, useApp, textOf, assertErrorSummary, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const { loggedIn, logout } = useApp();

const LARS = 'Lars Østergaard, Engbakkeskolen (demo)';
const GOAL2 = 'Mål 2: Lærere og pædagoger med nye greb';
const ACTION = 'Afprøv co-teaching i to specialklasser og fortæl om det på næste møde';
const ADDED = '9. Stilletimer: erfaringer fra Engbakkeskolen';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function inDays(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const two = (x) => String(x).padStart(2, '0');
  return `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()}`;
}

/** The waiting list's heading lies within the first 800 px of a 1280 × 800 window. */
async function waitingOnFirstScreen(page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.getByRole('heading', { name: 'Det venter på dig', level: 2 }).boundingBox();
  assert.ok(box && box.y + box.height < 800, `"Det venter på dig" on the first screen (y = ${box && box.y})`);
  const first = page.locator('#venter-liste > li').first();
  if (await first.count()) {
    const b = await first.boundingBox();
    assert.ok(b.y < 800, `the first waiting item on the first screen (y = ${b.y})`);
  }
}

test('14. the coordinator plans a network meeting and records an action that the school leader finds on his desk',
  journey(async (t, checkPage) => {
    // --- The coordinator's desk -------------------------------------------------------------
    let page = await loggedIn(USERS.koordinator);
    assert.equal(pathOf(page), '/');
    await waitingOnFirstScreen(page);
    const html = await page.content();
    assert.ok(html.length < 80_000, `the desk is ${html.length} bytes`);
    await checkPage(page, 'forside-skrivebord');

    // --- Netværk: plan a meeting ------------------------------------------------------------
    await clickNav(page, 'Netværk');
    assert.equal(pathOf(page), '/netvaerk');
    assert.equal(await h1(page), 'Netværksmøder');
    await checkPage(page, 'netvaerk');
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Planlæg et møde', exact: true }));
    assert.equal(pathOf(page), '/netvaerk/ny');
    await checkPage(page, 'netvaerk-ny');

    const main = page.getByRole('main');
    // Without a date and participants the form comes back with the error summary.
    await follow(page, main.getByRole('button', { name: 'Planlæg mødet', exact: true }));
    await assertErrorSummary(page, {
      messages: {
        held_on: 'Skriv «Dato» som dd.mm.åååå, fx 15.03.2027.',
        deltagere: 'Vælg mindst én deltager.',
        place: 'Skriv hvor mødet holdes, eller et link til onlinemødet.',
      },
    });
    await checkPage(page, 'netvaerk-ny-fejl');
    await main.getByLabel('Dato', { exact: true }).fill(inDays(14));
    await main.getByLabel('Sted', { exact: true }).fill('Herning Rådhus, mødelokale 2');
    await main.getByRole('group', { name: 'Deltagere' }).getByRole('checkbox', { name: LARS, exact: true }).check();
    await follow(page, main.getByRole('button', { name: 'Planlæg mødet', exact: true }));
    assert.match(pathOf(page), /^\/netvaerk\/[0-9a-f-]{36}$/, `the meeting: ${page.url()}`);
    const meetingPath = pathOf(page);
    assert.equal(await h1(page), 'Møde i specialledernetværket');
    const agenda = await textOf(main.locator('.udsyn-agenda').first());
    assert.match(agenda, /Åbne handlinger fra tidligere møder/);
    assert.match(agenda, /Del erfaringerne med stilletimer på næste møde/, 'the open action comes back');
    await checkPage(page, 'netvaerk-moede');

    // --- Edit the drafted agenda ------------------------------------------------------------
    await follow(page, main.getByRole('link', { name: 'Ret mødet, dagsordenen og referatet', exact: true }));
    assert.equal(pathOf(page), `${meetingPath}/rediger`);
    const box = main.getByLabel('Dagsorden', { exact: true });
    const drafted = await box.inputValue();
    assert.match(drafted, /^1\. Velkomst og godkendelse af dagsordenen/);
    await box.fill(`${drafted}\n${ADDED}`);
    await checkPage(page, 'netvaerk-rediger');
    await follow(page, main.getByRole('button', { name: 'Gem mødet', exact: true }));
    assert.equal(pathOf(page), meetingPath);
    assert.match(await textOf(main.getByRole('status')), /Mødet er gemt\./);
    assert.match(await textOf(main.locator('.udsyn-agenda').first()), new RegExp(escape(ADDED)));

    // --- Record an action with an owner -----------------------------------------------------
    await main.getByLabel('Slags', { exact: true }).selectOption('handling');
    await main.getByLabel('Hvad', { exact: true }).fill(ACTION);
    await main.getByLabel('Ansvarlig', { exact: true }).selectOption({ label: LARS });
    await main.getByLabel('Frist', { exact: true }).fill(inDays(45));
    await main.getByLabel('Mål', { exact: true }).selectOption({ label: GOAL2 });
    await follow(page, main.getByRole('button', { name: 'Registrér', exact: true }));
    assert.equal(pathOf(page), meetingPath);
    const items = main.locator('#punkter + ul');
    assert.match(await textOf(items), new RegExp(`${escape(ACTION)}.*Ansvarlig: ${escape(LARS)}.*${escape(GOAL2)}`));
    await checkPage(page, 'netvaerk-moede-handling');

    // The page prints on A4 without menus and forms.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('navigation', { name: 'Hovedmenu' }).isVisible(), false, 'no menu in print');
    assert.equal(await main.getByRole('button', { name: 'Registrér' }).isVisible(), false, 'no form in print');
    assert.ok(await main.locator('.udsyn-agenda').first().isVisible(), 'the agenda is printed');
    await page.emulateMedia({ media: 'screen' });
    await logout(page);

    // --- The school leader finds the action on his desk ----------------------------------------
    page = await loggedIn(USERS.skoleleder);
    await waitingOnFirstScreen(page);
    const waiting = page.locator('#venter-liste');
    const link = waiting.getByRole('link', { name: `Handling fra netværket: ${ACTION}`, exact: true });
    assert.equal(await link.count(), 1, 'the action waits on the leader\'s desk');
    await checkPage(page, 'forside-skoleleder-handling');
    await follow(page, link);
    assert.equal(pathOf(page), meetingPath);
    await checkPage(page, 'netvaerk-moede-skoleleder');
    await follow(page, page.getByRole('main').getByRole('button', { name: `Luk handlingen: ${ACTION}`, exact: true }));
    assert.equal(pathOf(page), meetingPath);
    assert.match(await textOf(page.getByRole('main').locator('#punkter + ul')), /Handling, lukket/);
    await follow(page, page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Forside', exact: true }));
    assert.equal(await page.locator('#venter-liste').getByRole('link', { name: `Handling fra netværket: ${ACTION}` }).count(), 0,
      'closed, it no longer waits');
    await logout(page);
  }));
