// Udsyn's report journey in a real browser (headless Chromium), through the real UI: a teacher
// files her report after a course in Spain (with the error summary once, and a draft first), the
// coordinator invites a teacher at another school, and he finds the report in the knowledge base
// and sees the shared reflections but not her private one.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, useApp, textOf, assertErrorSummary, login, h1, clickNav, journey, pathOf, follow,
} from './harness.mjs';

const suite = useApp();
const { fresh, loggedIn, logout } = suite;

/**
 * At 390 px: how wide the page is and which element in <main> reaches furthest right (a page
 * wider than the window scrolls sideways, WCAG 1.4.10). Reported as a diagnostic, not asserted.
 */
async function overflowAt390(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  const r = await page.evaluate(() => {
    let widest = null;
    for (const el of document.querySelectorAll('main *')) {
      const right = el.getBoundingClientRect().right;
      if (!widest || right > widest.right) {
        widest = { right: Math.round(right), el: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}` };
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, widest };
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  return r.scrollWidth > 390 ? `${r.scrollWidth} px wide at 390 px, widest in <main>: ${r.widest.el} (right edge ${r.widest.right} px)` : 'fits 390 px';
}

/** The main-menu links marked aria-current="page". */
async function currentNav(page) {
  return page.getByRole('navigation', { name: 'Hovedmenu' }).locator('a[aria-current="page"]').allInnerTexts();
}

const MOBILITY = 'Kursus og træning hos CEIP Los Naranjos (demo)';
const REPORT_H1 = 'Sofie Bækgaards rapport fra CEIP Los Naranjos (demo)';
const SAW = 'Jeg fulgte kurset i Valencia og besøgte to klasser, hvor lærer og pædagog planlægger sammen.';
const SURPRISE = 'At ingen elever blev taget ud af klassen – støtten kom ind til dem.';
const AHA = 'Holddannelsesmodellen: eleverne deles efter opgave, ikke efter diagnose. Samundervisning med to voksne hele ugen.';
// "holddannelse" only as the first part of the compound, so that the search must find it there.
const CHANGE = 'Vi prøver hold på tværs i matematik i 5.b med samundervisning to timer om ugen.';
const CHANGE_BY = '01.03.2027';
const NEW_PASSWORD = 'Hedelund-laerer-2027';
const PETER = {
  email: 'peter.oerum@hedelund.demo.udsyn.dk',
  option: 'Peter Ørum – Hedelundskolen (demo) (peter.oerum@hedelund.demo.udsyn.dk)',
};

test('11. a teacher files her course report; a teacher at another school finds it in the knowledge base',
  journey(async (t, checkPage) => {
    // --- Sofie writes her report --------------------------------------------------------------
    let page = await loggedIn(USERS.medarbejder);
    const todo = page.getByRole('main').locator('#venter');
    assert.equal((await todo.getByRole('heading', { level: 2 }).innerText()).trim(), 'Det venter på dig');
    await follow(page, todo.getByRole('link', { name: `Skriv din rapport: ${MOBILITY}`, exact: true }));
    assert.match(pathOf(page), /^\/mobiliteter\/[0-9a-f-]{36}\/rapport$/, `the report form: ${page.url()}`);
    const formPath = pathOf(page);
    assert.equal(await h1(page), `Rapport: ${MOBILITY}`);
    await checkPage(page, 'rapport-ny');
    t.diagnostic(`report form: ${await overflowAt390(page)}`);

    const main = page.getByRole('main');
    const saw = main.getByLabel('Hvad så og lavede du?', { exact: true });
    const surprise = main.getByLabel('Hvad undrede dig?', { exact: true });
    const aha = main.getByLabel('Dine aha-øjeblikke', { exact: true });
    const change = main.getByLabel('Hvad vil du ændre i din praksis?', { exact: true });
    const changeBy = main.getByLabel('Hvornår vil du have ændret det?', { exact: true });
    const goal2 = main.getByRole('group', { name: 'Hvilke mål tjener det?' })
      .getByRole('checkbox', { name: 'Mål 2: Lærere og pædagoger', exact: true });
    const focus = main.getByRole('group', { name: 'Fokusområder for inklusion' })
      .getByRole('checkbox', { name: 'Viden og kompetencer', exact: true });
    const vibusSummary = main.locator('details.udsyn-rubric > summary');
    const vibus5 = main.getByRole('checkbox', { name: '5. Inkluderende fagdidaktik med eleverne', exact: true });
    const outcome = main.getByRole('radio', { name: 'Faglig og professionel udvikling: 4', exact: true });
    const sharing = main.getByRole('group', { name: 'Hvordan deler du det med kolleger?' })
      .getByRole('checkbox', { name: 'Personalemøde', exact: true });

    // The error pattern once: "Indsend rapporten" with everything empty.
    await follow(page, main.getByRole('button', { name: 'Indsend rapporten', exact: true }));
    assert.equal(pathOf(page), formPath, 'a report with errors stays on the form');
    const items = await assertErrorSummary(page, {
      messages: {
        saw: 'Skriv hvad du så og lavede.',
        aha: 'Skriv mindst ét aha-øjeblik.',
        change_plan: 'Skriv hvad du vil ændre i din praksis.',
      },
    });
    t.diagnostic(`error summary: ${items.map((i) => `${i.href} ${i.text}`).join(' | ')}`);
    for (const f of [saw, aha, change]) assert.equal(await f.getAttribute('aria-invalid'), 'true');
    await checkPage(page, 'rapport-ny-fejl');

    await saw.fill(SAW);
    await surprise.fill(SURPRISE);
    await aha.fill(AHA);
    await change.fill(CHANGE);
    await changeBy.pressSequentially(CHANGE_BY);
    await goal2.check();
    await focus.check();
    assert.equal(await vibus5.isVisible(), false, 'the VIBUS recommendations are folded away at first');
    await vibusSummary.click();
    assert.equal(await vibusSummary.innerText(), 'VIBUS\' 14 anbefalinger til en almenskole, der kan mere for flere');
    await vibus5.check();
    await outcome.check();
    await sharing.check();

    const assertKept = async (when) => {
      assert.equal(await saw.inputValue(), SAW, `${when}: "Hvad så og lavede du?"`);
      assert.equal(await surprise.inputValue(), SURPRISE, `${when}: "Hvad undrede dig?"`);
      assert.equal(await aha.inputValue(), AHA, `${when}: "Dine aha-øjeblikke"`);
      assert.equal(await change.inputValue(), CHANGE, `${when}: "Hvad vil du ændre"`);
      assert.equal(await changeBy.inputValue(), CHANGE_BY, `${when}: "Hvornår"`);
      for (const [name, box] of [['Mål 2', goal2], ['Viden og kompetencer', focus], ['VIBUS 5', vibus5],
        ['Faglig og professionel udvikling: 4', outcome], ['Personalemøde', sharing]]) {
        assert.ok(await box.isChecked(), `${when}: "${name}" is still ticked`);
      }
    };

    await follow(page, main.getByRole('button', { name: 'Gem som kladde', exact: true }));
    assert.equal(pathOf(page), formPath, `after "Gem som kladde": ${page.url()}`);
    const saved = page.getByRole('status').filter({ hasText: 'Kladden er gemt' });
    assert.equal(await saved.count(), 1, 'the message "Kladden er gemt"');
    assert.equal(await page.locator('#error-summary').count(), 0, 'no error summary on the draft');
    assert.ok(await vibus5.isVisible(), 'the VIBUS details are open, as one is ticked');
    await assertKept('after "Gem som kladde"');
    await checkPage(page, 'rapport-kladde');

    await follow(page, main.getByRole('button', { name: 'Indsend rapporten', exact: true }));
    const reportURL = new URL(page.url());
    assert.match(reportURL.pathname, /^\/rapporter\/[0-9a-f-]{36}$/, `after "Indsend rapporten": ${page.url()}`);
    const reportPath = reportURL.pathname;
    assert.equal(await h1(page), REPORT_H1);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Det er gemt' }).count(), 1, 'the "Tak. Det er gemt." message');
    const tags = await page.getByRole('list', { name: 'Emner' }).getByRole('listitem').allInnerTexts();
    t.diagnostic(`tags: ${tags.join(' | ')}`);
    for (const tag of ['Mål 2', 'VIBUS 5: Inkluderende fagdidaktik med eleverne', 'Viden og kompetencer']) {
      assert.ok(tags.map((s) => s.trim()).includes(tag), `the tag "${tag}" is listed: ${tags.join(' | ')}`);
    }
    const reportText = await textOf(page.getByRole('main'));
    for (const s of [SAW, SURPRISE, AHA, `${CHANGE} (senest ${CHANGE_BY})`, 'Personalemøde']) {
      assert.ok(reportText.includes(s), `the report shows "${s}"`);
    }
    const outcomeRow = page.getByRole('row', { name: /Faglig og professionel udvikling/ });
    assert.match(await textOf(outcomeRow.getByRole('cell')), /^4( af 5)?$/, 'the self-assessment "4"');
    await checkPage(page, 'rapport-indsendt');
    await logout(page);

    // --- The coordinator creates a login for Peter Ørum at Hedelundskolen ----------------------
    page = await loggedIn(USERS.koordinator);
    await clickNav(page, 'Brugere');
    assert.equal(pathOf(page), '/brugere');
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Opret bruger', exact: true }));
    assert.equal(pathOf(page), '/brugere/ny');
    assert.equal(await h1(page), 'Opret bruger');
    // /brugere and /brugere/ny are checked in journeys.test.mjs.
    await page.getByRole('combobox', { name: 'Medarbejder', exact: true }).selectOption({ label: PETER.option });
    await page.getByRole('group', { name: 'Rolle' }).getByRole('radio', { name: 'Medarbejder', exact: true }).check();
    assert.equal(await page.getByLabel('E-mail til login', { exact: true }).inputValue(), '');
    await follow(page, page.getByRole('button', { name: 'Opret og vis invitationslink', exact: true }));
    assert.equal(await h1(page), 'Invitationslink til Peter Ørum');
    const linkInput = page.getByLabel('Invitationslink', { exact: true });
    assert.ok(await linkInput.evaluate((e) => e.readOnly), 'the invitation link field is read-only');
    const link = new URL(await linkInput.inputValue());
    t.diagnostic(`invitation link: ${link.origin}${link.pathname.replace(/[^/]+$/, '…')}`);
    assert.match(link.pathname, /^\/invitation\/[^/]+$/);
    if (link.origin !== suite.app.baseURL) t.diagnostic(`the link's origin ${link.origin} is not the app's ${suite.app.baseURL}`);
    await checkPage(page, 'bruger-invitationslink');
    await logout(page);

    // --- Peter chooses his password and logs in ---------------------------------------------
    page = await fresh();
    await page.goto(link.pathname + link.search);
    assert.equal(await h1(page), 'Vælg din adgangskode');
    assert.ok((await textOf(page.getByRole('main'))).includes(PETER.email), 'the page names his login e-mail');
    await checkPage(page, 'invitation');
    await page.getByLabel('Ny adgangskode', { exact: true }).pressSequentially(NEW_PASSWORD);
    await page.getByLabel('Gentag adgangskoden', { exact: true }).pressSequentially(NEW_PASSWORD);
    await follow(page, page.getByRole('button', { name: 'Gem adgangskode', exact: true }));
    assert.equal(pathOf(page), '/login', `after "Gem adgangskode": ${page.url()}`);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Din adgangskode er gemt' }).count(), 1,
      'the login page says "Din adgangskode er gemt"');
    await checkPage(page, 'login-adgangskode-gemt');
    await login(page, PETER.email, NEW_PASSWORD);
    t.diagnostic(`Peter's start page: ${pathOf(page)} "${await h1(page)}"`);

    // --- Peter searches the knowledge base ------------------------------------------------------
    await clickNav(page, 'Vidensbank');
    assert.equal(pathOf(page), '/vidensbank');
    assert.equal(await h1(page), 'Vidensbank');
    await checkPage(page, 'vidensbank');
    t.diagnostic(`/vidensbank: menu links with aria-current="page": ${(await currentNav(page)).join(' | ')}`);

    const search = async (q) => {
      const box = page.getByRole('search').getByRole('searchbox', { name: 'Søg', exact: true });
      await box.fill('');
      await box.pressSequentially(q);
      await follow(page, page.getByRole('search').getByRole('button', { name: 'Søg', exact: true }));
      assert.equal(pathOf(page), '/vidensbank');
      assert.equal(new URL(page.url()).searchParams.get('q'), q);
      const status = await textOf(page.getByRole('main').getByRole('status'));
      const hit = page.locator('ol.udsyn-hits > li').filter({ has: page.locator(`a[href="${reportPath}"]`) });
      return { status, hit, found: await hit.count() };
    };

    let res = await search('holddannelse');
    t.diagnostic(`"holddannelse": ${res.status}`);
    assert.equal(res.found, 1, `"holddannelse" finds Sofie's report (${res.status})`);
    const card = res.hit;
    assert.equal(await textOf(card.getByRole('heading')), MOBILITY);
    const cardText = await textOf(card);
    assert.ok(cardText.includes('Sofie Bækgaard, Engbakkeskolen (demo)'), `by Sofie Bækgaard, Engbakkeskolen (demo): ${cardText}`);
    assert.ok(cardText.includes(`Fra ${MOBILITY}, Spanien`), `"Fra ${MOBILITY}, Spanien": ${cardText}`);
    const marks = (await card.locator('mark').allInnerTexts()).map((m) => m.trim());
    t.diagnostic(`highlighted: ${marks.join(' | ')}`);
    assert.ok(marks.some((m) => m.toLowerCase() === 'holddannelsesmodellen'),
      `a <mark> on the matched compound "Holddannelsesmodellen": ${marks.join(' | ')} in ${cardText}`);
    await checkPage(page, 'vidensbank-soeg-holddannelse');
    t.diagnostic(`search results: ${await overflowAt390(page)}`);

    res = await search('samundervisningen');
    t.diagnostic(`"samundervisningen" (inflected; Danish stemming): ${res.found ? 'finds' : 'does NOT find'} the report – ${res.status}`);
    if (res.found) {
      t.diagnostic(`  highlighted: ${(await res.hit.locator('mark').allInnerTexts()).join(' | ')}`);
    }
    await checkPage(page, 'vidensbank-soeg-samundervisningen');

    if (!res.found) res = await search('holddannelse');
    await follow(page, res.hit.getByRole('link', { name: MOBILITY, exact: true }));
    assert.equal(pathOf(page), reportPath);
    assert.equal(await h1(page), REPORT_H1);
    assert.ok((await textOf(page.getByRole('main'))).includes(AHA), 'Peter can read the aha moments');
    assert.equal(await page.getByRole('button', { name: 'Genåbn rapporten' }).count(), 0, 'Peter cannot reopen it');
    await checkPage(page, 'rapport-laest-af-kollega');

    // --- Peter's reflections: the shared ones, not Sofie's private one ---------------------------
    await page.goto('/refleksioner');
    assert.equal(await h1(page), 'Refleksioner');
    const listed = (await page.getByRole('main').locator('ul.udsyn-cards > li h3').allInnerTexts()).map((s) => s.trim());
    t.diagnostic(`reflections listed for Peter: ${listed.join(' | ')}`);
    assert.ok(listed.includes('Ledelse tæt på undervisningen'), '"Ledelse tæt på undervisningen" is listed');
    assert.ok(!listed.includes('Usikker på mig selv'), 'Sofie\'s private "Usikker på mig selv" is not listed');
    assert.equal(await page.getByRole('main').getByText('Usikker på mig selv').count(), 0,
      '"Usikker på mig selv" is nowhere on the page');
    await checkPage(page, 'refleksioner-kollega');
    t.diagnostic(`/refleksioner: menu links with aria-current="page": ${(await currentNav(page)).join(' | ')}`);
    await logout(page);
  }));
