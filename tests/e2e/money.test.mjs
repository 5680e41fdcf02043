// Udsyn's money journey in a real browser (headless Chromium), through the real UI: the
// coordinator types two of the 2026 call's rates from Annex 3 (with the error summary once),
// registers and approves a course in Valencia, reads its grant with the working, and sees the
// 2026 project's remaining budget fall by exactly that grant.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, useApp, mainText, assertErrorSummary, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const { loggedIn } = useApp();

const PROJECT = '2026-1-DK01-KA121-SCH-000400003';
const PARTNER = 'CEIP Los Naranjos (demo)';
const PERSON = 'Jonas Højgaard';
const COURSE = 'Inklusion i praksis: holddannelse og co-teaching';

/** A Danish euro amount ("1.234,56 €", "-180,00 €") as cents. */
function cents(text) {
  const m = text.replace(/\s/g, ' ').match(/(-?[\d.]+,\d\d) €/);
  assert.ok(m, `an amount in "${text}"`);
  return Math.round(parseFloat(m[1].replace(/\./g, '').replace(',', '.')) * 100);
}

/** The project's remaining budget in total: the last cell of the budget table's "I alt" row. */
async function remaining(page) {
  const row = page.getByRole('table', { name: 'Budget pr. post' }).locator('tfoot tr');
  return cents(await row.locator('td').last().innerText());
}

test('11. money: the coordinator types the rates, registers a course and sees its grant and the remaining budget fall',
  journey(async (t, checkPage) => {
    const page = await loggedIn(USERS.koordinator);

    // --- The budget before --------------------------------------------------------------------
    await clickNav(page, 'Budget');
    assert.equal(pathOf(page), '/projekter');
    assert.equal(await h1(page), 'Projekter og budget');
    await checkPage(page, 'projekter');
    await follow(page, page.getByRole('link', { name: PROJECT, exact: true }));
    assert.equal(await h1(page), `Projekt ${PROJECT}`);
    await checkPage(page, 'projekt-2026');
    const before = await remaining(page);
    t.diagnostic(`remaining before: ${before / 100} €`);

    // --- The 2026 rates from Annex 3 ------------------------------------------------------------
    await clickNav(page, 'Budget');
    await follow(page, page.getByRole('link', { name: 'Satser pr. indkaldelsesår' }));
    assert.equal(pathOf(page), '/satser');
    await checkPage(page, 'satser');
    await follow(page, page.getByRole('link', { name: 'Indkaldelse 2026', exact: true }));
    assert.equal(pathOf(page), '/satser/2026');
    const unverified = await page.getByText('skal verificeres mod bilag 3').count();
    assert.ok(unverified > 10, `the seeded figures are marked (${unverified})`);
    await checkPage(page, 'satser-2026');
    await follow(page, page.getByRole('link', { name: 'Rediger satserne' }));
    assert.equal(pathOf(page), '/satser/2026/rediger');
    await checkPage(page, 'satser-2026-rediger');

    const daily = page.getByLabel('Gruppe 2, pr. dag', { exact: true });
    const fee = page.getByLabel('Kursusafgift pr. dag', { exact: true });
    // A typo first: a negative fee is refused with the error summary, nothing saved.
    await daily.fill('105,00');
    await fee.fill('-85');
    await page.locator('#gruppe2_dagssats_kontrolleret').check({ force: true });
    await page.locator('#course_fee_per_day_cents_kontrolleret').check({ force: true });
    await follow(page, page.getByRole('button', { name: 'Gem satserne' }));
    await assertErrorSummary(page, { fields: ['course_fee_per_day_cents'] });
    await checkPage(page, 'satser-2026-rediger-fejl');
    assert.equal(await page.getByLabel('Gruppe 2, pr. dag', { exact: true }).inputValue(), '105,00',
      'what was typed is kept');
    await page.getByLabel('Kursusafgift pr. dag', { exact: true }).fill('85');
    await follow(page, page.getByRole('button', { name: 'Gem satserne' }));
    assert.equal(pathOf(page), '/satser/2026');
    assert.match(await mainText(page), /Satserne er gemt\./);
    assert.match(await mainText(page), /105,00 €/);
    assert.ok(await page.getByText('skal verificeres mod bilag 3').count() < unverified,
      'the two checked figures lost their mark');

    // --- A course in Valencia, registered and approved ---------------------------------------
    await clickNav(page, 'Mobiliteter');
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Ny mobilitet', exact: true }));
    assert.equal(pathOf(page), '/mobiliteter/ny');
    const form = page.getByRole('main');
    await form.getByLabel('Aktivitet', { exact: true }).selectOption({ label: 'Kursus og træning' });
    const partner = form.getByLabel('Værtsorganisation (partner)', { exact: true });
    const option = (await partner.locator('option').allInnerTexts()).find((o) => o.includes(PARTNER));
    assert.ok(option, `"${PARTNER}" among the partners`);
    await partner.selectOption({ label: option });
    await form.getByLabel('Første dag', { exact: true }).fill('12.04.2027');
    await form.getByLabel('Sidste dag', { exact: true }).fill('16.04.2027');
    await form.getByLabel('Rejsedage', { exact: true }).fill('2');
    await form.getByLabel('Transportmiddel', { exact: true }).selectOption({ label: 'Fly' });
    await form.getByRole('group', { name: 'Deltagere', exact: true })
      .getByRole('checkbox', { name: PERSON, exact: true }).check({ force: true });
    await form.getByLabel('Formål', { exact: true }).fill('Lære holddannelse, der holder eleverne i almenklassen.');
    await form.getByLabel('Kursets titel (kun kurser)', { exact: true }).fill(COURSE);
    await follow(page, form.getByRole('button', { name: 'Gem og indstil til godkendelse' }));
    assert.match(pathOf(page), /^\/mobiliteter\/[0-9a-f-]{36}$/);
    assert.equal(await h1(page), `Kursus og træning hos ${PARTNER}`);
    await follow(page, page.getByRole('button', { name: 'Godkend', exact: true }));
    assert.match(await mainText(page), /Godkendt/);

    // --- Its grant, with the working ------------------------------------------------------------
    const grant = page.locator('#tilskud');
    await grant.scrollIntoViewIfNeeded();
    const text = await mainText(page);
    // Spain is group 2 in the 2026 grouping: 5 course days + 2 travel days at the new 105 €.
    assert.match(text, /7 dage \(5 aktivitetsdage \+ 2 rejsedage\) × 105,00 € \(gruppe 2\) = 735,00 €/);
    assert.match(text, /5 dage × 85,00 € = 425,00 €/);
    assert.match(text, /Rejsetilskud: [\d.]+ km \(beregnet i luftlinje\) → /);
    await checkPage(page, 'mobilitet-tilskud');
    const total = cents(await page.getByText(/^I alt /).innerText());
    t.diagnostic(`the course's grant: ${total / 100} €`);

    // --- The budget after ----------------------------------------------------------------------
    await clickNav(page, 'Budget');
    await follow(page, page.getByRole('link', { name: PROJECT, exact: true }));
    const after = await remaining(page);
    t.diagnostic(`remaining after: ${after / 100} €`);
    assert.equal(after, before - total, 'the remaining budget fell by the course\'s grant');
    await checkPage(page, 'projekt-2026-efter');
    await follow(page, page.getByRole('link', { name: 'Mål (Targets)' }));
    assert.match(await h1(page), /^Mål for /);
    await checkPage(page, 'projekt-2026-maal');
  }));
