// Passkeys in headless Chromium with a virtual authenticator (the DevTools protocol's
// `WebAuthn.addVirtualAuthenticator`: CTAP2, built in, resident keys, user verification), served
// at http://localhost:PORT (a passkey's RP ID is a host name, never 127.0.0.1), in English and
// in Russian:
//
//   en: signs in to /account with the password → Security → Passkeys → "Laptop" with the current
//     password → the step that creates it (the one page script) → the recovery codes → the list →
//     sign out → password, then the passkey as the second step → sign out → "Sign in with a
//     passkey" while the device refuses to verify (the page says so) → verified → signed in.
//   ru: a second browser holding the same passkey (copied over the protocol) → "Sign in with a
//     passkey" → Passkeys → removed with the password.
//
// Every page is photographed at desktop and phone widths into KORDON_SCREENSHOTS. Spawned by
// crates/kordon/tests/api/account_browser.rs; prints progress on stderr and one JSON report as the
// last line of stdout; exits 1 on failure.

import { TIMEOUT, check, driver, env, heading, signIn } from './chromium.mjs';

const base = env('KORDON_BASE').replace(/\/$/, '');
const email = env('KORDON_EMAIL');
const password = env('KORDON_PASSWORD');
check(new URL(base).hostname === 'localhost', `passkeys need a host name: ${base}`);

const { report, step, context, shot, finish } = await driver('passkeys');

/// A virtual authenticator in `page`'s browser: built in (a platform authenticator), with resident
/// keys and user verification.
async function authenticator(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const verified = (yes) => cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: yes });
  return { cdp, authenticatorId, verified };
}

async function signOut(page) {
  await page.click('form[action="/account/logout"] button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/account/signed-out', { timeout: TIMEOUT });
}

/// "Sign in with a passkey" while the device will not verify the person (the page asks at once
/// and says it failed), then with it verifying (the button asks again).
async function passwordless(page, key, out, lang) {
  await key.verified(false);
  await page.goto(`${base}/account`);
  await page.click('form[action="/oauth/authorize/passkey"] button[type=submit]');
  await page.locator('[data-passkey-error]:not([hidden])').waitFor({ timeout: TIMEOUT });
  out.signin = await heading(page);
  out.refused = await page.locator('[data-passkey-error]').innerText();
  await shot(page, 'passkey-signin', lang);
  await key.verified(true);
  await page.click('#passkey-use');
  await page.waitForURL((u) => u.pathname === '/account', { timeout: TIMEOUT });
  out.back = await heading(page);
}

async function english() {
  const en = {};
  const { ctx, page } = await context('en-US');
  const key = await authenticator(ctx, page);
  await page.goto(`${base}/account/security`);
  await signIn(page, email, password);
  await page.waitForURL((u) => u.pathname === '/account/security', { timeout: TIMEOUT });
  await page.click('a[href="/account/passkeys"]');
  await page.locator('form[action="/account/passkeys"]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'passkeys-none', 'en');
  await page.fill('input[name=name]', 'Laptop');
  await page.fill('input[name=current_password]', password);
  await page.click('form[action="/account/passkeys"] button[type=submit]');
  await page.locator('#passkey-create').waitFor({ timeout: TIMEOUT });
  en.create = await page.locator('section h2').first().innerText();
  await shot(page, 'passkey-add', 'en');
  await page.click('#passkey-create');
  await page.locator('ol.codes, p.alert:not([hidden])').first().waitFor({ timeout: TIMEOUT });
  check(await page.locator('ol.codes').count() === 1, `not created: ${await page.locator('main').innerText()} ${await page.locator('form[data-passkey]').getAttribute('data-failure').catch(() => '')}`);
  en.added = await page.locator('p[role=status]').innerText();
  en.codes = await page.locator('ol.codes li').count();
  await page.goto(`${base}/account/passkeys`);
  en.rows = await page.locator('table.passkeys tbody tr').allInnerTexts();
  await shot(page, 'passkeys', 'en');
  step('en: registered "Laptop"');
  await signOut(page);

  await page.goto(`${base}/account`);
  await signIn(page, email, password);
  await page.locator('#passkey-use').waitFor({ timeout: TIMEOUT });
  en.second = await page.locator('p.lead').innerText();
  await shot(page, 'second-step-passkey', 'en');
  await page.click('#passkey-use');
  await page.waitForURL((u) => u.pathname === '/account', { timeout: TIMEOUT });
  step('en: the password, then the passkey');
  await signOut(page);

  await passwordless(page, key, en, 'en');
  step('en: signed in with the passkey alone (after a refusal)');
  const { credentials } = await key.cdp.send('WebAuthn.getCredentials', { authenticatorId: key.authenticatorId });
  check(credentials.length === 1 && credentials[0].isResidentCredential, `one resident credential: ${JSON.stringify(credentials)}`);
  await ctx.close();
  report.en = en;
  return credentials[0];
}

async function russian(credential) {
  const ru = {};
  const { ctx, page } = await context('ru-RU');
  const key = await authenticator(ctx, page);
  await key.cdp.send('WebAuthn.addCredential', { authenticatorId: key.authenticatorId, credential });
  await passwordless(page, key, ru, 'ru');
  step('ru: signed in with the same passkey in another browser');
  await page.goto(`${base}/account/passkeys`);
  await shot(page, 'passkeys', 'ru');
  await page.locator('table.passkeys tbody tr', { hasText: 'Laptop' }).locator('a.button').click();
  await page.locator('form[action="/account/passkeys/remove"]').waitFor({ timeout: TIMEOUT });
  ru.question = await page.locator('section h2').first().innerText();
  await shot(page, 'passkey-remove', 'ru');
  await page.fill('input[name=current_password]', password);
  await page.click('form[action="/account/passkeys/remove"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  ru.removed = await page.locator('p[role=status]').innerText();
  ru.rows = await page.locator('table.passkeys tbody tr').count();
  await shot(page, 'passkeys-removed', 'ru');
  step('ru: removed it');
  await ctx.close();
  report.ru = ru;
}

await finish(async () => {
  await russian(await english());
});
