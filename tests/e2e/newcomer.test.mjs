// What a newcomer stumbled on (issue 17), in a real browser by visible labels: the annual goal
// report and the calendar are reachable from where people plan; the mobility page keeps the
// programme's codes and the unchecked duration rule for the coordinator, in plain Danish; the
// reason fields read "Begrundelse for at afvise" / "aflyse"; the outbox says in words why mail is
// not sent; a follow-up that cannot be answered yet shows its date, not a link; and at 390 px the
// header keeps the name and the role apart. Test 13: a login made from a staff page, the e-mail
// filled in after the invitation (its link copied with the button, and selectable without
// JavaScript), and /oversigt at 1280 px and on a phone. Test 14: goal charts keep 12 px text at
// 390 px, and no label on /oversigt runs into another, into a bar or into the months.
// Run with tests/e2e/run.sh, or `node --test tests/e2e/newcomer.test.mjs` once the binary is built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  USERS, useApp, textOf, mainText, h1, clickNav, journey, pathOf, follow, sql as harnessSql,
} from './harness.mjs';

const running = useApp();
const { loggedIn, logout } = running;

/** One value from the app's database (for setting up a report submitted today). */
const sql = (query) => harnessSql(running.app, query);

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

test('13. the coordinator creates a login from a staff page; the invited person finds the e-mail filled in; the overview on a phone',
  journey(async (t, checkPage) => {
    // --- From Peter Ørum's page to "Opret bruger", with him and the role his job suggests ----------
    let page = await loggedIn(USERS.koordinator);
    const peter = sql("SELECT id FROM staff WHERE name = 'Peter Ørum'");
    await page.goto(`/medarbejdere/${peter}`);
    assert.equal(await h1(page), 'Peter Ørum');
    await follow(page, page.getByRole('main').getByRole('link', { name: 'Opret login', exact: true }));
    assert.equal(pathOf(page), '/brugere/ny');
    assert.equal(await h1(page), 'Opret bruger');
    const person = page.getByRole('combobox', { name: 'Medarbejder', exact: true });
    const chosen = await person.evaluate((s) => s.options[s.selectedIndex].textContent);
    assert.match(chosen, /^Peter Ørum – /, `Peter is preselected: ${chosen}`);
    const roles = page.getByRole('group', { name: 'Rolle' });
    assert.ok(await roles.getByRole('radio', { name: 'Medarbejder', exact: true }).isChecked(),
      'a teacher is proposed as "Medarbejder"');
    // One control per label: each drawn radio lies on its own label's line, none on top of another.
    const boxes = await roles.locator('li').evaluateAll((lis) => lis.map((li) => {
      const r = li.getBoundingClientRect();
      const b = li.querySelector('input[type=radio]').getBoundingClientRect();
      return { label: li.innerText.trim(), inside: b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5, top: b.top };
    }));
    assert.equal(boxes.length, 3);
    for (const b of boxes) assert.ok(b.inside, `the radio for "${b.label}" lies on its own line: ${JSON.stringify(boxes)}`);
    assert.equal(new Set(boxes.map((b) => Math.round(b.top))).size, 3, `three radios, three places: ${JSON.stringify(boxes)}`);
    await checkPage(page, 'nybegynder-opret-login-fra-medarbejder');
    await follow(page, page.getByRole('button', { name: 'Opret og vis invitationslink', exact: true }));
    assert.equal(await h1(page), 'Invitationslink til Peter Ørum');
    const field = page.getByLabel('Invitationslink', { exact: true });
    const link = new URL(await field.inputValue());
    // The copy button: a click puts the link on the clipboard and says so.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.app.baseURL });
    await page.getByRole('button', { name: 'Kopiér linket', exact: true }).click();
    await page.getByText('Linket er kopieret.', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link.href, 'the link is on the clipboard');
    await checkPage(page, 'nybegynder-invitationslink-kopieret');
    await logout(page);

    // --- Without JavaScript there is no copy button, and the link is plain text to select ------------
    const noScript = await page.context().browser().newContext({
      baseURL: running.app.baseURL, javaScriptEnabled: false, viewport: { width: 1280, height: 800 }, locale: 'da-DK',
    });
    try {
      const bare = await noScript.newPage();
      await bare.goto('/login');
      await bare.getByLabel('E-mail').pressSequentially(USERS.koordinator.email);
      await bare.getByLabel('Adgangskode').pressSequentially('udsyn-demo');
      await follow(bare, bare.getByRole('button', { name: 'Log ind' }));
      const line = sql("SELECT id FROM staff WHERE name = 'Line Mikkelsen'");
      await bare.goto(`/brugere/ny?medarbejder=${line}`);
      await follow(bare, bare.getByRole('button', { name: 'Opret og vis invitationslink', exact: true }));
      assert.equal(await h1(bare), 'Invitationslink til Line Mikkelsen');
      assert.equal(await bare.getByRole('button', { name: 'Kopiér linket' }).count(), 0, 'no copy button without JavaScript');
      const plain = bare.getByLabel('Invitationslink', { exact: true });
      assert.match(await plain.inputValue(), /^http:\/\/127\.0\.0\.1:\d+\/invitation\/\S+$/, 'the link as text');
      assert.equal(await plain.isEditable(), false, 'read only');
      await plain.selectText();
      const selected = await plain.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
      assert.equal(selected, await plain.inputValue(), 'the whole link can be selected');
    } finally {
      await noScript.close();
    }

    // --- Peter sets his password and finds his e-mail filled in ----------------------------------------
    page = await running.fresh();
    await page.goto(link.pathname);
    const password = 'sommer i Gent 2027';
    await page.getByLabel('Ny adgangskode', { exact: true }).pressSequentially(password);
    await page.getByLabel('Gentag adgangskoden', { exact: true }).pressSequentially(password);
    await follow(page, page.getByRole('button', { name: 'Gem adgangskode', exact: true }));
    assert.equal(pathOf(page), '/login');
    assert.equal(await page.getByLabel('E-mail', { exact: true }).inputValue(), 'peter.oerum@hedelund.demo.udsyn.dk',
      'the e-mail is filled in');
    await checkPage(page, 'nybegynder-login-efter-invitation');
    await page.getByLabel('Adgangskode', { exact: true }).pressSequentially(password);
    await follow(page, page.getByRole('button', { name: 'Log ind' }));
    assert.notEqual(pathOf(page), '/login', 'logged in with the password alone');
    await page.context().close();

    // --- The overview: the timeline fills its box at 1 280 px, a list per month at 390 px -------------
    page = await loggedIn(USERS.koordinator);
    await page.goto('/oversigt?aar=2026');
    const chart = page.locator('main .udsyn-chart');
    const fill = await chart.evaluate((box) => {
      const inner = box.clientWidth - parseFloat(getComputedStyle(box).paddingLeft) - parseFloat(getComputedStyle(box).paddingRight);
      return { inner, svg: box.querySelector('svg').getBoundingClientRect().width };
    });
    assert.ok(fill.svg >= fill.inner - 1, `the timeline fills its box at 1280 px: ${JSON.stringify(fill)}`);
    const bars = await page.locator('main .udsyn-chart svg a').count();
    const byMonth = page.getByRole('region', { name: 'Måned for måned' });
    assert.equal(await byMonth.isVisible(), false, 'no month list beside the timeline at 1280 px');
    await page.setViewportSize({ width: 390, height: 800 });
    assert.equal(await chart.isVisible(), false, 'the wide timeline gives way on a phone');
    assert.ok(await byMonth.isVisible(), 'the list per month is shown at 390 px');
    assert.equal(await byMonth.getByRole('link').count(), bars, 'every trip of the timeline in the list');
    assert.ok(await byMonth.getByRole('heading', { level: 3 }).count() >= 1, 'months as headings');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page does not scroll sideways at 390 px (${wide} px)`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await checkPage(page, 'nybegynder-oversigt-maaned-for-maaned');
    await logout(page);
  }));

test('14. goal charts keep 12 px text on a phone, and no label on the overview runs into another or into a bar',
  journey(async (t, checkPage) => {
    const page = await loggedIn(USERS.koordinator);
    // The rendered size of every text in every goal chart: its font size times the chart's scale.
    const sizes = () => page.locator('svg.udsyn-linechart').evaluateAll((svgs) => svgs.flatMap((svg) =>
      [...svg.querySelectorAll('text')].map((el) => ({
        text: el.textContent,
        px: parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a,
      }))));
    const goal = sql("SELECT id FROM goals WHERE number = 1");
    const year = sql("SELECT extract(year FROM now())::int");
    // The desk shows each goal as one line with a link to its chart; the charts are on the goal pages.
    for (const url of ['/maal', `/maal/${goal}`, `/maal/rapport/${year}`]) {
      await page.goto(url);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 844 });
        const all = await sizes();
        assert.ok(all.length > 0, `goal charts on ${url}`);
        const small = all.filter((s) => s.px < 12);
        assert.deepEqual(small, [], `every chart text on ${url} at ${width} px is 12 px or more`);
        if (width === 390) {
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(wide <= 390, `${url} does not scroll sideways at 390 px (${wide} px)`);
        }
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.goto(`/maal/${goal}`);
    await checkPage(page, 'nybegynder-maal-diagram-telefon');

    // The overview: label boxes apart from each other and from every bar; a shortened label keeps
    // its dates, and the whole text is in the bar's title and in the month list.
    await page.goto('/oversigt?aar=2026');
    const boxes = await page.locator('main .udsyn-chart svg').evaluate((svg) => {
      const r = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
      return {
        labels: [...svg.querySelectorAll('a text'), ...svg.querySelectorAll(':scope > text[font-weight]')]
          .map((el) => ({ text: el.textContent, ...r(el) })),
        bars: [...svg.querySelectorAll('a rect')].map((el) => r(el)),
        titles: [...svg.querySelectorAll('a > title')].map((el) => el.textContent),
        // The January line: where the label column ends and the months begin.
        months: svg.querySelector('line').getBoundingClientRect().left,
      };
    });
    const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    assert.ok(boxes.labels.length > 2, `labels on the overview (${boxes.labels.length})`);
    const trips = await page.locator('main .udsyn-chart svg a text').count();
    for (const [i, a] of boxes.labels.entries()) {
      if (i < trips) assert.ok(a.right <= boxes.months, `"${a.text}" ends before the months begin (${a.right} > ${boxes.months})`);
      for (const b of boxes.labels.slice(i + 1)) assert.ok(!meets(a, b), `"${a.text}" and "${b.text}" overlap`);
      for (const bar of boxes.bars) assert.ok(!meets(a, bar), `"${a.text}" runs into a bar ${JSON.stringify(bar)}`);
    }
    const cut = boxes.labels.filter((l) => l.text.includes('…'));
    assert.ok(cut.length >= 1, `a long label is shortened: ${boxes.labels.map((l) => l.text).join(' | ')}`);
    for (const c of cut) assert.match(c.text, /…, \d{1,2}\.\d{1,2}\.–\d{1,2}\.\d{1,2}\.$/, `its dates stay: ${c.text}`);
    assert.ok(boxes.titles.some((tt) => tt.includes('Undervisnings- eller træningsophold')),
      'the full activity name is in the bar\'s title');
    await page.setViewportSize({ width: 390, height: 844 });
    const list = await textOf(page.getByRole('region', { name: 'Måned for måned' }));
    assert.ok(list.includes('Undervisnings- eller træningsophold'), 'the month list has the whole label');
    await page.setViewportSize({ width: 1280, height: 800 });
    await checkPage(page, 'nybegynder-oversigt-lange-etiketter');
    await logout(page);
  }));
