// Drives kordon's web console (/console) in headless Chromium, with no network but the server's
// own loopback address, in English and in Russian:
//
//   A. No session: /console sends the browser to kordon's login page; signing in there (email +
//      password) brings it back to the Overview.
//   B. The Defender page lists the host the test blocked (its reason and the logins tried) and
//      links its history in the audit log; its Unblock asks first, and confirming lifts the block
//      (the list says so and no longer has it).
//   C. A POST without the form's CSRF token is refused (403), with the session's cookie.
//   D. Users: search by email, phone or id, the user's page (sessions of every kind, recent
//      events); Revoke and Delete ask first (looked at, cancelled); Disable asks first, then the
//      user is disabled, and Enable brings them back (English only; Russian looks and cancels).
//   E. Applications: the list and an application's page, and the FlashCall, Audit and Keys pages
//      (Keys: 403 for an account administrator).
//   F. Sign out: the console session and the kordon sign-in end; /console asks to sign in again.
//   G. A user who is not an administrator signs in and is refused with a 403 page.
//   H. The platform's operator: every tenant's block and the login at its daily cap (an
//      administrator does not see it: nobody has it), the unblocks in the audit list, a flagged
//      FlashCall range (20 unanswered calls) on the traffic page, the password queue, the Keys page, and a key rotation after its confirmation (English;
//      Russian looks and cancels).
//   I. The operator's Applications, in each language: registers one with a redirect URI (its
//      secret shown once, not on the list nor the application's page afterwards); rotating its
//      secret and deleting it ask first (cancelled); a refused redirect URI shows the form again
//      with the reason.
//
// Every page is photographed at desktop (1280 px) and phone (390 px) widths into
// KORDON_SCREENSHOTS. Spawned by crates/kordon/tests/api/console.rs; input from the environment
// (see `env` below). Prints progress on stderr and one JSON report as the last line of stdout;
// exits 1 on failure.

import { TIMEOUT, check, driver, env, heading } from './chromium.mjs';

const base = env('KORDON_BASE').replace(/\/$/, '');
const admin = env('KORDON_ADMIN_EMAIL');
const operator = env('KORDON_OPERATOR_EMAIL');
const password = env('KORDON_PASSWORD');
const member = env('KORDON_MEMBER_EMAIL');
const plain = env('KORDON_PLAIN_EMAIL');
const blocked = { en: env('KORDON_BLOCKED_EN'), ru: env('KORDON_BLOCKED_RU') };
const foreign = env('KORDON_FOREIGN_BLOCK');
const capped = env('KORDON_CAPPED_LOGIN');

const { report, step, context, shot, finish } = await driver('console');
report.statuses = {};

async function signIn(page, email) {
  await page.locator('input[name=email]').waitFor({ timeout: TIMEOUT });
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${base}/console/callback`), { timeout: TIMEOUT }),
    page.click('form[action$="/password"] button[type=submit]'),
  ]);
  await page.waitForURL((u) => u.pathname.startsWith('/console'), { timeout: TIMEOUT });
  await page.locator('h1').first().waitFor({ timeout: TIMEOUT });
  return answer.status();
}

async function visit(page, pathAndQuery) {
  const response = await page.goto(`${base}${pathAndQuery}`);
  return response.status();
}

async function tour(locale, lang) {
  const { ctx, page } = await context(locale, ['403 (Forbidden)', '404 (Not Found)']);
  const out = {};

  // A. No session: to the login page, and back to the page asked for.
  const first = await page.goto(`${base}/console/defender`);
  check(new URL(page.url()).pathname === '/oauth/authorize', `no session: landed on ${page.url()}`);
  out.redirectedToSignIn = first.status() === 200;
  await shot(page, 'signin', lang);
  const status = await signIn(page, admin);
  check(status === 303, `callback answered ${status}`);
  check(new URL(page.url()).pathname === '/console/defender', `after sign-in: ${page.url()}`);
  step(`${lang}: signed in through the login page, back at ${new URL(page.url()).pathname}`);

  // Overview.
  check((await visit(page, '/console')) === 200, 'overview');
  out.overview = await heading(page);
  out.tiles = await page.locator('.tile .label').allInnerTexts();
  out.signins = (await page.locator('.tile .figure').first().innerText()).trim();
  await shot(page, 'overview', lang);

  // B. Defender: the blocked host, its reason and logins; unblock after a confirmation.
  check((await visit(page, '/console/defender')) === 200, 'defender');
  const row = page.locator('table.list tbody tr', { hasText: blocked[lang] });
  await row.waitFor({ timeout: TIMEOUT });
  out.block = (await row.innerText()).replace(/\s+/g, ' ').trim();
  out.foreignListed = await page.locator('table.list tbody tr', { hasText: foreign }).count();
  out.cappedListed = await page.locator('table.list tbody tr', { hasText: capped }).count();
  await shot(page, 'defender', lang);
  // The host's history: the audit log, narrowed to it.
  await row.locator('a.small-link').click();
  await page.waitForURL((u) => u.pathname === '/console/audit', { timeout: TIMEOUT });
  out.history = await page.locator('table.list tbody tr', { hasText: 'defender.block' }).count();
  await shot(page, 'audit-host', lang);
  check((await visit(page, '/console/defender')) === 200, 'defender again');
  await row.locator('a.button').click();
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  out.confirmUnblock = await page.locator('section.confirm h2').innerText();
  await shot(page, 'confirm-unblock', lang);

  // C. The same action without the CSRF token, with the session's cookie: refused.
  const forged = await page.request.post(`${base}/console/defender/unblock`, {
    form: { ip: blocked[lang] },
    maxRedirects: 0,
  });
  out.withoutCsrf = forged.status();
  await page.click('section.confirm button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/console/defender' && u.searchParams.has('unblocked'), {
    timeout: TIMEOUT,
  });
  out.unblockedNotice = await page.locator('p.notice').innerText();
  out.stillListed = await page.locator('table.list tbody tr', { hasText: blocked[lang] }).count();
  await shot(page, 'defender-unblocked', lang);
  step(`${lang}: unblocked ${blocked[lang]} after the confirmation; a POST without CSRF got ${out.withoutCsrf}`);

  // D. Users.
  check((await visit(page, '/console/users')) === 200, 'users');
  await shot(page, 'users', lang);
  await page.fill('input[name=q]', 'nobody@nowhere.example');
  await page.click('form.search button[type=submit]');
  await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
  await shot(page, 'users-not-found', lang);
  await page.fill('input[name=q]', member);
  await page.click('form.search button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/console/user', { timeout: TIMEOUT });
  out.user = await heading(page);
  await shot(page, 'user', lang);
  const userUrl = page.url();
  const revoke = page.locator('a[href^="/console/user/session/revoke"]').first();
  if ((await revoke.count()) > 0) {
    await revoke.click();
    await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
    await shot(page, 'confirm-revoke', lang);
    await page.click('section.confirm a.button.secondary');
    await page.waitForURL(userUrl, { timeout: TIMEOUT });
  }
  await page.click('a.button.danger[href^="/console/user/delete"]');
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  await shot(page, 'confirm-delete', lang);
  await page.click('section.confirm a.button.secondary');
  await page.waitForURL(userUrl, { timeout: TIMEOUT });
  await page.click('a.button.danger[href^="/console/user/disable"]');
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  await shot(page, 'confirm-disable', lang);
  if (lang === 'en') {
    await page.click('section.confirm button[type=submit]');
    await page.waitForURL((u) => u.searchParams.get('done') === 'disabled', { timeout: TIMEOUT });
    out.disabledState = await page.locator('.state').innerText();
    await shot(page, 'user-disabled', lang);
    await page.click('form[action="/console/user/enable"] button[type=submit]');
    await page.waitForURL((u) => u.searchParams.get('done') === 'enabled', { timeout: TIMEOUT });
    out.enabledState = await page.locator('.state').innerText();
    step(`${lang}: disabled ${member} after the confirmation, then enabled again`);
  } else {
    await page.click('section.confirm a.button.secondary');
    await page.waitForURL((u) => u.pathname === '/console/user', { timeout: TIMEOUT });
  }

  // E. Applications (the tenant's own: none yet), FlashCall, Audit, and Keys (operators only).
  for (const name of ['applications', 'flashcalls', 'audit']) {
    check((await visit(page, `/console/${name}`)) === 200, name);
    await shot(page, name, lang);
  }
  out.nav = await page.locator('nav.tabs a').allInnerTexts();
  out.keys = await visit(page, '/console/keys');
  await shot(page, out.keys === 200 ? 'keys' : 'keys-forbidden', lang);

  // F. Sign out: both sessions end, and the console asks to sign in again.
  check((await visit(page, '/console')) === 200, 'overview again');
  await page.click('form.signout button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/console/signed-out', { timeout: TIMEOUT });
  out.signedOut = await heading(page);
  await shot(page, 'signed-out', lang);
  await page.goto(`${base}/console`);
  out.afterSignOut = new URL(page.url()).pathname;
  await page.locator('input[name=email]').waitFor({ timeout: TIMEOUT });
  step(`${lang}: signed out; /console now shows ${out.afterSignOut}`);
  await ctx.close();
  return out;
}

// H. The platform's operator.
async function platform(locale, lang) {
  const { ctx, page } = await context(locale);
  await page.goto(`${base}/console`);
  await signIn(page, operator);
  const out = { tiles: await page.locator('.tile .label').allInnerTexts() };
  await shot(page, 'overview-operator', lang);
  check((await visit(page, '/console/defender')) === 200, 'defender');
  out.foreignListed = await page.locator('table.list tbody tr', { hasText: foreign }).count();
  out.cappedListed = await page.locator('table.list tbody tr', { hasText: capped }).count();
  await shot(page, 'defender-operator', lang);
  out.nav = await page.locator('nav.tabs a').allInnerTexts();
  // The unblocks of the tours above, in the audit list.
  check((await visit(page, '/console/audit?type=defender.unblock')) === 200, 'audit');
  out.unblocks = (await page.locator('table.list tbody').innerText()).replace(/\s+/g, ' ');
  await shot(page, 'audit-operator', lang);
  // The range the test called 20 times unanswered is flagged, with a badge.
  check((await visit(page, '/console/flashcalls')) === 200, 'flashcalls');
  out.flagged = await page.locator('tr.flagged .badge').count();
  check(out.flagged > 0, 'a flagged FlashCall row');
  await shot(page, 'flashcalls-operator', lang);
  out.keys = await visit(page, '/console/keys');
  out.keysBefore = await page.locator('table.list tbody tr').count();
  await shot(page, 'keys', lang);
  await page.click('a.button.danger');
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  await shot(page, 'confirm-rotate', lang);
  if (lang === 'en') {
    await page.click('section.confirm button[type=submit]');
    await page.waitForURL((u) => u.searchParams.has('rotated'), { timeout: TIMEOUT });
    out.rotated = new URL(page.url()).searchParams.get('rotated');
    out.keysAfter = await page.locator('table.list tbody tr').count();
    await shot(page, 'keys-rotated', lang);
    step(`${lang}: the operator rotated the keys: ${out.rotated}`);
  } else {
    await page.click('section.confirm a.button.secondary');
    await page.waitForURL((u) => u.pathname === '/console/keys', { timeout: TIMEOUT });
  }
  await ctx.close();
  return out;
}

// I. The operator's Applications: each language registers one (English with the redirect URI the
// test looks for, and a long one that must wrap on a phone), then looks at every page.
const CALLBACK = 'https://app.example/callback';
const LONG_URI = 'https://billing.app.example/oauth2/callback/tenant-0123456789abcdefghijklmnopqrstuvwxyz-0123456789';
const APP = {
  en: { name: 'Billing portal of the example company', uris: `${CALLBACK}\n${LONG_URI}` },
  ru: { name: 'Личный кабинет биллинга', uris: 'https://app.example/ru/callback' },
};
async function applications(locale, lang) {
  const { ctx, page } = await context(locale, ['400 (Bad Request)']);
  await page.goto(`${base}/console/applications`);
  await signIn(page, operator);
  check(new URL(page.url()).pathname === '/console/applications', `after sign-in: ${page.url()}`);
  const out = {};
  await page.fill('form.app-form input[name=name]', APP[lang].name);
  await page.fill('form.app-form textarea[name=redirect_uris]', APP[lang].uris);
  await shot(page, 'applications-new', lang);
  await page.click('form.app-form button[type=submit]');
  await page.locator('#client-secret').waitFor({ timeout: TIMEOUT });
  const secret = await page.locator('#client-secret').innerText();
  out.secretLength = secret.length;
  out.clientId = await page.locator('.secret dd.value').first().innerText();
  out.once = await page.locator('.secret p.alert').innerText();
  out.resultUrl = new URL(page.url()).pathname + new URL(page.url()).search;
  await shot(page, 'application-created', lang);
  step(`${lang}: the operator registered application ${out.clientId}; its secret shown once`);
  check((await visit(page, '/console/applications')) === 200, 'applications');
  const row = page.locator('table.list tbody tr', { hasText: APP[lang].name });
  await row.waitFor({ timeout: TIMEOUT });
  out.listed = (await row.innerText()).replace(/\s+/g, ' ').trim();
  out.secretOnList = (await page.content()).includes(secret);
  await shot(page, 'applications-operator', lang);
  await row.locator('a').first().click();
  await page.waitForURL((u) => u.pathname === '/console/application', { timeout: TIMEOUT });
  out.app = await heading(page);
  out.secretOnPage = (await page.content()).includes(secret);
  await shot(page, 'application', lang);
  const appUrl = page.url();
  await page.click('a.button.danger[href^="/console/application/secret"]');
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  out.rotateQuestion = await page.locator('section.confirm h2').innerText();
  await shot(page, 'confirm-rotate-secret', lang);
  await page.click('section.confirm a.button.secondary');
  await page.waitForURL(appUrl, { timeout: TIMEOUT });
  await page.click('a.button.danger[href^="/console/application/delete"]');
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  await shot(page, 'confirm-delete-application', lang);
  await page.click('section.confirm a.button.secondary');
  await page.waitForURL(appUrl, { timeout: TIMEOUT });
  // A redirect URI kordon refuses: the form again, with the reason.
  await page.fill('form.app-form textarea[name=redirect_uris]', `${CALLBACK}#fragment`);
  await page.click('form.app-form button[type=submit]');
  await page.locator('#edit p.alert').waitFor({ timeout: TIMEOUT });
  out.refused = await page.locator('#edit p.alert').innerText();
  await shot(page, 'application-refused', lang);
  await ctx.close();
  return out;
}

// G. A user who administers nothing.
async function refused(locale, lang) {
  const { ctx, page } = await context(locale, ['403 (Forbidden)']);
  await page.goto(`${base}/console`);
  const status = await signIn(page, plain);
  const out = { status, heading: await heading(page) };
  await shot(page, 'forbidden', lang);
  step(`${lang}: ${plain} was refused with ${status}`);
  await ctx.close();
  return out;
}

await finish(async () => {
  report.en = await tour('en-US', 'en');
  report.ru = await tour('ru-RU', 'ru');
  report.refusedEn = await refused('en-US', 'en');
  report.refusedRu = await refused('ru-RU', 'ru');
  report.operatorEn = await platform('en-US', 'en');
  report.operatorRu = await platform('ru-RU', 'ru');
  report.applicationsEn = await applications('en-US', 'en');
  report.applicationsRu = await applications('ru-RU', 'ru');
});
