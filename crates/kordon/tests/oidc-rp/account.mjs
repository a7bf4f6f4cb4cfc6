// A person's own way around kordon in headless Chromium, with no network but the server's
// loopback address, in English and in Russian. Parts (KORDON_PART):
//
//   forgot: from the login page (reached through the console), "Forgot password?" → the address
//     → "Check your mail" → the link from the mail the real SMTP sink received (a `.json` file in
//     KORDON_MAIL_DIR) → two passwords that differ (refused with the reason) → the new password →
//     the link again (it works once) → signing in with the new password lands in the console.
//     English sets `<password>-en-1`, Russian then `<password>-ru-2`.
//   sessions: signs in to /account, photographs the Overview and the Profile, ends one cabinet
//     sign-in from Sessions and devices (the question, then the notice), and withdraws the
//     application named in KORDON_APP_<LANG> from Connected apps (the question, then the notice).
//     The test checks the ended tokens are refused in their dialects.
//   totp: English: Security → set up an authenticator app (the QR code; the key read from the
//     page, the code computed by Debian's oathtool at KORDON_NOW, the server's manual clock) →
//     the recovery codes → sign out → the login page's second step (a wrong code, then the
//     app's next code) → back on the account page. Russian: the second step with a recovery
//     code from the English page, Security, removing the app, and a new set-up's page. App
//     passwords: English makes "Office PBX" and "Fax" (each shown once), Russian deletes "Fax";
//     the test signs in to the PBX API with both.
//   contacts: English: Profile → Email address (not confirmed) → a new address (KORDON_NEW_EMAIL_EN)
//     and the password → "We sent a link" → the link from the mail the SMTP sink received → its
//     page → Confirm → Profile shows the address confirmed; Phone number → a new number
//     (KORDON_PHONE_EN) and the password → the PIN page → a wrong PIN → the call's PIN. Russian:
//     signs in with the English address and does both again (KORDON_NEW_EMAIL_RU,
//     KORDON_PHONE_RU). The test checks the store and the notices mailed to the old addresses.
//   register: the account page's login page (registration on) → "Create an account" → an address
//     (KORDON_NEW_EMAIL_<LANG>) and a phone (KORDON_PHONE_<LANG>) → the PIN page → a short
//     password (refused, the PIN kept) → the call's PIN and a password → the account page, signed
//     in. The test checks the new people and the mails that prove their addresses.
//   flashcall: English: Security → calls to the phone on (the password; recovery codes shown) →
//     sign out → password → the second step's "Call me" → a wrong PIN, then the call's PIN (read
//     from kordon's dev outbox, KORDON_OUTBOX). Russian: a FlashCall sign-in (KORDON_PHONE) → the
//     second step asks for the password → Security → calls switched off.
//
// Every page is photographed at desktop (1280 px) and phone (390 px) widths into
// KORDON_SCREENSHOTS. Spawned by crates/kordon/tests/api/account_browser.rs; input from the
// environment (see `env` below). Prints progress on stderr and one JSON report as the last line of
// stdout; exits 1 on failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TIMEOUT, check, driver, env, heading, signIn as signInAs } from './chromium.mjs';

const base = env('KORDON_BASE').replace(/\/$/, '');
const part = env('KORDON_PART');
const email = env('KORDON_EMAIL');
const password = env('KORDON_PASSWORD');

const { report, step, context, shot, finish } = await driver('account');

/// The link to `route` in the first mail to `to` that is not among `seen`, waited for.
async function mailedLink(to, seen, route = '/oauth/password/reset') {
  const dir = env('KORDON_MAIL_DIR');
  const deadline = Date.now() + TIMEOUT;
  const pattern = new RegExp(`https?://\\S+${route}\\?token=[A-Za-z0-9]+`);
  while (Date.now() < deadline) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      if (seen.has(file)) continue;
      const mail = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      if (!mail.rcpt_tos.includes(to)) continue;
      seen.add(file);
      const link = mail.body.match(pattern);
      check(link, `no ${route} link in the mail: ${mail.body}`);
      return { link: link[0], subject: mail.subject };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail to ${to} within ${TIMEOUT} ms`);
}

const signIn = (page, secret) => signInAs(page, email, secret);

async function forgot(locale, lang, oldPassword, newPassword, seen) {
  const { ctx, page } = await context(locale, ['400 (Bad Request)', '401 (Unauthorized)', '410 (Gone)']);
  const out = {};
  await page.goto(`${base}/console`);
  check(new URL(page.url()).pathname === '/oauth/authorize', `no session: landed on ${page.url()}`);
  await shot(page, 'login', lang);
  await page.click('a[href^="/oauth/password/forgot"]');
  await page.waitForURL((u) => u.pathname === '/oauth/password/forgot', { timeout: TIMEOUT });
  out.forgot = await heading(page);
  await shot(page, 'forgot', lang);
  await page.fill('input[name=email]', email);
  await page.click('form[action="/oauth/password/forgot"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.sent = await heading(page);
  out.sentText = await page.locator('p[role=status]').innerText();
  await shot(page, 'forgot-sent', lang);
  step(`${lang}: asked for a link from the login page`);

  const mail = await mailedLink(email, seen);
  out.subject = mail.subject;
  check(mail.link.startsWith(`${base}/oauth/password/reset?token=`), `the link leads elsewhere: ${mail.link}`);
  await page.goto(mail.link);
  out.reset = await heading(page);
  await shot(page, 'reset', lang);
  await page.fill('input[name=password]', newPassword);
  await page.fill('input[name=password_confirmation]', `${newPassword}-typo`);
  await page.click('form[action="/oauth/password/reset"] button[type=submit]');
  await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
  out.mismatch = await page.locator('p.alert').innerText();
  await shot(page, 'reset-mismatch', lang);
  await page.fill('input[name=password]', newPassword);
  await page.fill('input[name=password_confirmation]', newPassword);
  await page.click('form[action="/oauth/password/reset"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.changed = await heading(page);
  await shot(page, 'reset-done', lang);
  step(`${lang}: set a new password through the mailed link`);

  const again = await page.goto(mail.link);
  out.againStatus = again.status();
  out.again = await heading(page);
  await shot(page, 'reset-dead', lang);

  await page.goto(`${base}/console`);
  await signIn(page, oldPassword);
  await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
  out.oldRefused = await page.locator('p.alert').innerText();
  await signIn(page, newPassword);
  await page.waitForURL((u) => u.pathname === '/console', { timeout: TIMEOUT });
  out.console = await heading(page);
  step(`${lang}: signed in with the new password (the old one refused)`);
  await ctx.close();
  return out;
}

async function sessions(locale, lang) {
  const { ctx, page } = await context(locale);
  const out = {};
  await page.goto(`${base}/account`);
  check(new URL(page.url()).pathname === '/oauth/authorize', `no session: landed on ${page.url()}`);
  await signIn(page, password);
  await page.waitForURL((u) => u.pathname === '/account', { timeout: TIMEOUT });
  out.overview = await heading(page);
  await shot(page, 'overview', lang);
  await page.click('nav a[href="/account/profile"]');
  out.profile = await heading(page);
  await shot(page, 'profile', lang);
  step(`${lang}: signed in to the account page`);

  await page.click('nav a[href="/account/sessions"]');
  out.sessions = await heading(page);
  out.thisDevice = await page.locator('tr.current').count();
  await shot(page, 'sessions', lang);
  const word = lang === 'en' ? 'Cabinet sign-in' : 'Вход в кабинет';
  const cabinet = page.locator('tbody tr', { has: page.locator('td', { hasText: word }) });
  out.cabinetRows = await cabinet.count();
  await cabinet.first().locator('a.button').click();
  await page.waitForURL((u) => u.pathname === '/account/sessions/end', { timeout: TIMEOUT });
  out.question = await page.locator('.confirm h2').innerText();
  await shot(page, 'session-end', lang);
  await page.click('form[action="/account/sessions/end"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.ended = await page.locator('p[role=status]').innerText();
  out.cabinetRowsAfter = await cabinet.count();
  await shot(page, 'sessions-ended', lang);
  step(`${lang}: ended a cabinet sign-in`);

  const app = env(`KORDON_APP_${lang.toUpperCase()}`);
  await page.click('nav a[href="/account/apps"]');
  out.apps = await heading(page);
  await shot(page, 'apps', lang);
  const row = page.locator('tr', { has: page.locator('strong', { hasText: app }) });
  await row.locator('a.button').click();
  await page.waitForURL((u) => u.pathname === '/account/apps/withdraw', { timeout: TIMEOUT });
  out.withdrawQuestion = await page.locator('.confirm h2').innerText();
  await shot(page, 'app-withdraw', lang);
  await page.click('form[action="/account/apps/withdraw"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.withdrawn = await page.locator('p[role=status]').innerText();
  out.appLeft = await row.count();
  await shot(page, 'apps-withdrawn', lang);
  step(`${lang}: withdrew ${app}`);
  await ctx.close();
  return out;
}

/// The code oathtool computes for `key` at `at` (Unix seconds).
const oathtool = (key, at) =>
  execFileSync('oathtool', ['--totp', '-b', '--now', `@${at}`, key.replace(/\s/g, '')]).toString().trim();

async function secondStep(page, code, out, lang, wrongFirst) {
  await page.locator('form[action="/oauth/authorize/second"]').waitFor({ timeout: TIMEOUT });
  out.second = await heading(page);
  await shot(page, 'second-step', lang);
  if (wrongFirst) {
    await page.fill('input[name=code]', '000000');
    await page.click('form[action="/oauth/authorize/second"] button[type=submit]');
    await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
    out.wrong = await page.locator('p.alert').innerText();
    await shot(page, 'second-step-wrong', lang);
  }
  await page.fill('input[name=code]', code);
  await page.click('form[action="/oauth/authorize/second"] button[type=submit]');
  await page.waitForURL((u) => u.pathname.startsWith('/account'), { timeout: TIMEOUT });
}

async function totp() {
  const now = Number(env('KORDON_NOW'));
  const en = {};
  {
    const { ctx, page } = await context('en-US', ['401 (Unauthorized)']);
    await page.goto(`${base}/account/security`);
    await signIn(page, password);
    await page.waitForURL((u) => u.pathname === '/account/security', { timeout: TIMEOUT });
    en.security = await page.locator('section h2').first().innerText();
    await shot(page, 'security', 'en');
    await page.click('form[action="/account/security/totp"] button[type=submit]');
    await page.locator('.qr svg').waitFor({ timeout: TIMEOUT });
    en.qrBox = await page.locator('.qr svg').evaluate((svg) => svg.getAttribute('viewBox'));
    await shot(page, 'totp-enrol', 'en');
    const key = await page.locator('.key').innerText();
    await page.fill('input[name=code]', oathtool(key, now));
    await page.fill('input[name=current_password]', password);
    await page.click('form[action="/account/security/totp/confirm"] button[type=submit]');
    await page.locator('ol.codes').waitFor({ timeout: TIMEOUT });
    const codes = await page.locator('ol.codes li').allInnerTexts();
    en.codes = codes.length;
    en.switchedOn = await page.locator('p[role=status]').innerText();
    await shot(page, 'recovery-codes', 'en');
    step('en: switched an authenticator app on');
    await page.click('form[action="/account/logout"] button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/account/signed-out', { timeout: TIMEOUT });
    await page.goto(`${base}/account`);
    await signIn(page, password);
    await secondStep(page, oathtool(key, now + 30), en, 'en', true);
    en.back = await heading(page);
    step('en: signed in with the app\'s code after a wrong one');
    await page.goto(`${base}/account/app-passwords`);
    await shot(page, 'app-passwords', 'en');
    en.appPasswords = [];
    for (const name of ['Office PBX', 'Fax']) {
      await page.fill('input[name=name]', name);
      await page.fill('input[name=current_password]', password);
      await page.click('form[action="/account/app-passwords"] button[type=submit]');
      await page.locator('#app-password').waitFor({ timeout: TIMEOUT });
      if (name === 'Fax') await shot(page, 'app-password-shown', 'en');
      en.appPasswords.push(await page.locator('#app-password').innerText());
      await page.goto(`${base}/account/app-passwords`);
    }
    en.appPasswordRows = await page.locator('table.app-passwords tbody tr').count();
    await shot(page, 'app-passwords-list', 'en');
    step('en: made two app passwords');
    await ctx.close();
    report.en = en;
    report.recovery = codes[0];
  }
  const ru = {};
  {
    const { ctx, page } = await context('ru-RU', ['401 (Unauthorized)']);
    await page.goto(`${base}/account/security`);
    await signIn(page, password);
    await secondStep(page, report.recovery, ru, 'ru', true);
    ru.state = await page.locator('section h2').first().innerText();
    await shot(page, 'security-on', 'ru');
    await page.click('a[href="/account/security/totp/remove"]');
    await page.locator('form[action="/account/security/totp/remove"]').waitFor({ timeout: TIMEOUT });
    await shot(page, 'totp-remove', 'ru');
    await page.fill('input[name=current_password]', password);
    await page.click('form[action="/account/security/totp/remove"] button[type=submit]');
    await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
    ru.removed = await page.locator('p[role=status]').innerText();
    await shot(page, 'security', 'ru');
    await page.click('form[action="/account/security/totp"] button[type=submit]');
    await page.locator('.qr svg').waitFor({ timeout: TIMEOUT });
    await shot(page, 'totp-enrol', 'ru');
    step('ru: a recovery code, then the app removed and a new set-up begun');
    await page.goto(`${base}/account/app-passwords`);
    await shot(page, 'app-passwords', 'ru');
    await page.locator('table.app-passwords tbody tr', { hasText: 'Fax' }).locator('a.button').click();
    await page.locator('form[action="/account/app-passwords/delete"]').waitFor({ timeout: TIMEOUT });
    await shot(page, 'app-password-delete', 'ru');
    await page.click('form[action="/account/app-passwords/delete"] button[type=submit]');
    await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
    ru.appPasswordDeleted = await page.locator('p[role=status]').innerText();
    ru.appPasswordRows = await page.locator('table.app-passwords tbody tr').count();
    step('ru: deleted one app password');
    await ctx.close();
    report.ru = ru;
  }
}

/// The PIN of the call whose verification token is `token`, from kordon's dev outbox.
async function pinFor(token) {
  const outbox = env('KORDON_OUTBOX');
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    const lines = fs.existsSync(outbox) ? fs.readFileSync(outbox, 'utf8').trim().split('\n') : [];
    const line = lines.filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.token === token);
    if (line) return line.pin;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no call with token ${token} in ${outbox}`);
}

/// A new address and a new phone through the account page, in one language; `signInWith` is
/// the address the person signs in with.
async function contacts(locale, lang, signInWith, seen) {
  const { ctx, page } = await context(locale, ['401 (Unauthorized)']);
  const out = {};
  const newEmail = env(`KORDON_NEW_EMAIL_${lang.toUpperCase()}`);
  const newPhone = env(`KORDON_PHONE_${lang.toUpperCase()}`);
  await page.goto(`${base}/account/profile`);
  await signInAs(page, signInWith, password);
  await page.waitForURL((u) => u.pathname === '/account/profile', { timeout: TIMEOUT });
  await page.click('a[href="/account/email"]');
  await page.waitForURL((u) => u.pathname === '/account/email', { timeout: TIMEOUT });
  out.email = await page.locator('section h2').first().innerText();
  await shot(page, 'email', lang);
  await page.fill('input[name=email]', newEmail);
  await page.fill('form[action="/account/email"] input[name=current_password]', password);
  await page.click('form[action="/account/email"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.sent = await page.locator('p[role=status]').innerText();
  await shot(page, 'email-sent', lang);
  const mail = await mailedLink(newEmail, seen, '/account/email/confirm');
  out.subject = mail.subject;
  check(mail.link.startsWith(`${base}/account/email/confirm?token=`), `the link leads elsewhere: ${mail.link}`);
  await page.goto(mail.link);
  out.confirm = await heading(page);
  out.confirmAddress = await page.locator('.subject').innerText();
  await shot(page, 'email-confirm', lang);
  await page.click('form[action="/account/email/confirm"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.changed = await heading(page);
  await shot(page, 'email-changed', lang);
  await page.goto(`${base}/account/profile`);
  out.profileEmail = await page.locator('dl.facts dd').first().innerText();
  await shot(page, 'profile-contacts', lang);
  step(`${lang}: moved the account to ${newEmail} through the mailed link`);

  await page.click('a[href="/account/phone"]');
  await page.waitForURL((u) => u.pathname === '/account/phone', { timeout: TIMEOUT });
  await shot(page, 'phone', lang);
  await page.fill('input[name=phone]', newPhone);
  await page.fill('form[action="/account/phone"] input[name=current_password]', password);
  await page.click('form[action="/account/phone"] button[type=submit]');
  await page.locator('input[name=pin]').waitFor({ timeout: TIMEOUT });
  out.calling = await page.locator('p.lead').innerText();
  await shot(page, 'phone-pin', lang);
  const pin = await pinFor(await page.locator('input[name=token]').inputValue());
  await page.fill('input[name=pin]', pin === '0000' ? '1111' : '0000');
  await page.click('form[action="/account/phone/pin"] button[type=submit]');
  await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
  out.wrong = await page.locator('p.alert').innerText();
  await shot(page, 'phone-pin-wrong', lang);
  await page.fill('input[name=pin]', pin);
  await page.click('form[action="/account/phone/pin"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  out.phoneChanged = await page.locator('p[role=status]').innerText();
  out.phone = await page.locator('.subject').innerText();
  await shot(page, 'phone-changed', lang);
  step(`${lang}: set the phone ${newPhone} with its call's PIN (a wrong one first)`);
  await ctx.close();
  return out;
}

/// "Create an account" from the login page, in one language.
async function register(locale, lang) {
  const { ctx, page } = await context(locale, ['400 (Bad Request)']);
  const out = {};
  const newEmail = env(`KORDON_NEW_EMAIL_${lang.toUpperCase()}`);
  const newPhone = env(`KORDON_PHONE_${lang.toUpperCase()}`);
  await page.goto(`${base}/account`);
  check(new URL(page.url()).pathname === '/oauth/authorize', `no session: landed on ${page.url()}`);
  await shot(page, 'login-register', lang);
  await page.click('a[href^="/oauth/register?"]');
  await page.waitForURL((u) => u.pathname === '/oauth/register', { timeout: TIMEOUT });
  out.register = await heading(page);
  await shot(page, 'register', lang);
  await page.fill('input[name=email]', newEmail);
  await page.fill('input[name=phone]', newPhone);
  await page.click('form[action="/oauth/register"] button[type=submit]');
  await page.locator('input[name=pin]').waitFor({ timeout: TIMEOUT });
  out.pinPage = await heading(page);
  await shot(page, 'register-pin', lang);
  const pin = await pinFor(await page.locator('input[name=token]').inputValue());
  await page.fill('input[name=pin]', pin);
  await page.fill('input[name=password]', 'short');
  await page.fill('input[name=password_confirmation]', 'short');
  await page.click('form[action="/oauth/register/finish"] button[type=submit]');
  await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
  out.short = await page.locator('p.alert').innerText();
  await shot(page, 'register-short', lang);
  await page.fill('input[name=pin]', pin);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=password_confirmation]', password);
  await page.click('form[action="/oauth/register/finish"] button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/account', { timeout: TIMEOUT });
  out.account = await heading(page);
  out.who = await page.locator('dl.facts dd').nth(1).innerText();
  await shot(page, 'registered', lang);
  step(`${lang}: opened an account for ${newEmail} from the login page`);
  await ctx.close();
  return out;
}

async function flashcall() {
  const en = {};
  {
    const { ctx, page } = await context('en-US', ['401 (Unauthorized)']);
    await page.goto(`${base}/account/security`);
    await signIn(page, password);
    await page.waitForURL((u) => u.pathname === '/account/security', { timeout: TIMEOUT });
    await shot(page, 'security-flashcall', 'en');
    await page.fill('form[action="/account/security/flashcall"] input[name=current_password]', password);
    await page.click('form[action="/account/security/flashcall"] button[type=submit]');
    await page.locator('ol.codes').waitFor({ timeout: TIMEOUT });
    en.switchedOn = await page.locator('p[role=status]').innerText();
    en.codes = await page.locator('ol.codes li').count();
    await shot(page, 'flashcall-on', 'en');
    step('en: switched calls to the phone on');
    await page.click('form[action="/account/logout"] button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/account/signed-out', { timeout: TIMEOUT });
    await page.goto(`${base}/account`);
    await signIn(page, password);
    await page.locator('form[action="/oauth/authorize/second/call"]').waitFor({ timeout: TIMEOUT });
    en.second = await page.locator('p.lead').innerText();
    await shot(page, 'second-step-call', 'en');
    await page.click('form[action="/oauth/authorize/second/call"] button[type=submit]');
    await page.locator('input[name=pin]').waitFor({ timeout: TIMEOUT });
    await shot(page, 'second-call', 'en');
    const pin = await pinFor(await page.locator('input[name=token]').inputValue());
    await page.fill('input[name=pin]', pin === '0000' ? '1111' : '0000');
    await page.click('form[action="/oauth/authorize/second"] button[type=submit]');
    await page.locator('p.alert').waitFor({ timeout: TIMEOUT });
    en.wrong = await page.locator('p.alert').innerText();
    await shot(page, 'second-call-wrong', 'en');
    await page.fill('input[name=pin]', pin);
    await page.click('form[action="/oauth/authorize/second"] button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/account', { timeout: TIMEOUT });
    en.back = await heading(page);
    step('en: signed in with the password and a call (a wrong PIN first)');
    await ctx.close();
  }
  const ru = {};
  {
    const { ctx, page } = await context('ru-RU');
    await page.goto(`${base}/account/security`);
    await page.fill('input[name=phone]', env('KORDON_PHONE'));
    await page.click('form[action$="/flashcall"] button[type=submit]');
    await page.locator('input[name=pin]').waitFor({ timeout: TIMEOUT });
    const pin = await pinFor(await page.locator('input[name=token]').inputValue());
    await page.fill('input[name=pin]', pin);
    await page.click('form[action$="/pin"] button[type=submit]');
    await page.locator('form[action="/oauth/authorize/second"] input[name=password]').waitFor({ timeout: TIMEOUT });
    ru.second = await page.locator('p.lead').innerText();
    await shot(page, 'second-step-password', 'ru');
    await page.fill('input[name=password]', password);
    await page.click('form[action="/oauth/authorize/second"] button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/account/security', { timeout: TIMEOUT });
    ru.state = await page.locator('section h2').nth(1).innerText();
    await page.fill('form[action="/account/security/flashcall"] input[name=current_password]', password);
    await page.click('form[action="/account/security/flashcall"] button[type=submit]');
    await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
    ru.switchedOff = await page.locator('p[role=status]').innerText();
    await shot(page, 'security-flashcall-off', 'ru');
    step('ru: signed in by a call and the password, then switched calls off');
    await ctx.close();
  }
  report.en = en;
  report.ru = ru;
}

await finish(async () => {
  if (part === 'forgot') {
    const seen = new Set();
    report.en = await forgot('en-US', 'en', password, `${password}-en-1`, seen);
    report.ru = await forgot('ru-RU', 'ru', `${password}-en-1`, `${password}-ru-2`, seen);
  } else if (part === 'totp') {
    await totp();
  } else if (part === 'flashcall') {
    await flashcall();
  } else if (part === 'register') {
    report.en = await register('en-US', 'en');
    report.ru = await register('ru-RU', 'ru');
  } else if (part === 'contacts') {
    const seen = new Set();
    report.en = await contacts('en-US', 'en', email, seen);
    report.ru = await contacts('ru-RU', 'ru', env('KORDON_NEW_EMAIL_EN'), seen);
  } else {
    check(part === 'sessions', `unknown part ${part}`);
    report.en = await sessions('en-US', 'en');
    report.ru = await sessions('ru-RU', 'ru');
  }
});
