// The accessibility statement (/tilgaengelighed): reached from every page's footer, in the
// structure of the EU model statement, and true to what this run of the suite found. run.sh runs
// this file last; with E2E_FULL_RUN=1 (set by run.sh) it also checks that every page the
// statement lists was checked in this run and every violation it lists still occurs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, STATEMENT, STATEMENT_PATH, useApp, h1, journey, pathOf, follow, readSummary, textOf,
  axeVersion, AXE_TAGS, WIDTHS,
} from './harness.mjs';

const { fresh, loggedIn } = useApp();

const SECTIONS = [
  'Omfang',
  'Overholdelsesstatus',
  'Ikke-tilgængeligt indhold',
  'Udarbejdelse af denne tilgængelighedserklæring',
  'Feedback og kontaktoplysninger',
  'Håndhævelsesprocedure',
];

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august',
  'september', 'oktober', 'november', 'december'];

function danishDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}. ${MONTHS[m - 1]} ${y}`;
}

test('1. the statement is one click from the footer, logged in or not, and says what was tested', journey(async (t, checkPage) => {
  const page = await fresh();
  await page.goto('/login');
  const footerLink = page.getByRole('contentinfo').getByRole('link', { name: 'Tilgængelighedserklæring' });
  await follow(page, footerLink);
  assert.equal(pathOf(page), '/tilgaengelighed');
  assert.equal(await h1(page), 'Tilgængelighedserklæring for Udsyn');
  assert.equal(await page.title(), 'Tilgængelighedserklæring – Udsyn');
  const h2s = (await page.locator('main h2').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(h2s, SECTIONS, 'the sections of the EU model statement, in order');

  const status = await textOf(page.locator('main h2:text-is("Overholdelsesstatus") + p'));
  const expected = { fuldt: 'overholder fuldt ud', delvist: 'overholder delvist', ikke: 'overholder ikke' }[STATEMENT.status];
  assert.ok(status.includes(expected) && status.includes('WCAG 2.1 niveau AA'), status);

  const made = await textOf(page.locator('#udarbejdelse + p'));
  assert.ok(made.includes(`den ${danishDate(STATEMENT.evaluated_on)}`), made);
  assert.ok(made.includes(`axe-core ${axeVersion()}`), `the vendored axe-core is the one named: ${made}`);
  assert.equal(STATEMENT.axe_version, axeVersion(), `axe_version in ${STATEMENT_PATH}`);
  assert.deepEqual(STATEMENT.axe_tags, AXE_TAGS, 'the rule sets named are those the suite runs');
  assert.deepEqual(STATEMENT.widths, WIDTHS.map((w) => w.width), 'the widths named are those the suite uses');
  const rows = page.getByRole('table', { name: /sider, den automatiske test tjekker/ }).locator('tbody tr');
  assert.equal(await rows.count(), STATEMENT.pages.length);

  if (STATEMENT.axe_violations.length === 0) {
    const gaps = await textOf(page.locator('main h3:text-is("Manglende overholdelse af lovgivningen") + p'));
    assert.ok(gaps.startsWith('Den automatiske test finder i dag ingen overtrædelser'), gaps);
  }
  const main = await textOf(page.getByRole('main'));
  assert.ok(main.includes(`Telefon: ${STATEMENT.contact.phone}`), 'a phone number for feedback');
  assert.ok(main.includes('Digitaliseringsstyrelsen'), 'the complaint route');
  const complaint = page.getByRole('link', { name: /Oplever du ikke-tilgængeligt indhold/ });
  assert.match(await complaint.getAttribute('href'), /^https:\/\/digst\.dk\//);
  await checkPage(page, 'tilgaengelighed');

  const staff = await loggedIn(USERS.medarbejder);
  await follow(staff, staff.getByRole('contentinfo').getByRole('link', { name: 'Tilgængelighedserklæring' }));
  assert.equal(pathOf(staff), '/tilgaengelighed');
  await staff.getByRole('navigation', { name: 'Hovedmenu' }).waitFor();
  await checkPage(staff, 'tilgaengelighed-medarbejder');
}));

test('2. the statement was reviewed within the last year, and not in the future', () => {
  const evaluated = new Date(`${STATEMENT.evaluated_on}T00:00:00Z`);
  const days = (Date.now() - evaluated.getTime()) / 86_400_000;
  assert.ok(days >= -1, `evaluated_on ${STATEMENT.evaluated_on} lies in the future`);
  assert.ok(days <= 366, `evaluated_on ${STATEMENT.evaluated_on} is more than a year old: the law asks for a review at least once a year (${STATEMENT_PATH})`);
});

test('3. every page and violation the statement lists is what this run found', { skip: process.env.E2E_FULL_RUN !== '1' && 'only after all test files (run.sh sets E2E_FULL_RUN=1)' }, () => {
  const summary = readSummary();
  assert.ok(summary, 'axe-summary.txt of this run');
  const visited = new Set(summary.map((s) => s.route));
  const unchecked = STATEMENT.pages.filter((p) => !visited.has(p.route)).map((p) => p.route);
  assert.deepEqual(unchecked, [], `the statement lists pages this run did not check (${STATEMENT_PATH})`);
  const gone = STATEMENT.axe_violations.flatMap((g) => g.routes
    .filter((r) => !summary.some((s) => s.route === r && s.ids.includes(g.rule)))
    .map((r) => `${g.rule} on ${r}`));
  assert.deepEqual(gone, [], `the statement lists violations this run no longer finds: remove them (${STATEMENT_PATH})`);
});
