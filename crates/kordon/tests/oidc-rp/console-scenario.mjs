// The console's "Done when" scenario of issue 20 in headless Chromium, one browser, no network
// but the server's loopback address. Two parts (KORDON_PART):
//
//   operator: the platform's operator signs in through the login page; finds the host the test
//     blocked (from another loopback address) on the Defender page with its reason and unblocks
//     it after the confirmation; forgives a login at its daily cap; sees the unblock in the audit list; disables a user after the
//     confirmation; revokes one of another user's two browser sign-ins; creates an application
//     with a redirect URI (its secret shown once); sees the FlashCall range the test called 20
//     times unanswered marked on the traffic page.
//   owner: a PBX owner (an account's lk_admin) signs in and sees only their tenant: another
//     tenant's block is not listed, its user is not found, and the direct addresses of another
//     tenant's user, block and application answer 404; the Keys page 403.
//
// Spawned by crates/kordon/tests/api/console_scenario.rs, which sets the stage and checks the
// result in the store and every dialect; input from the environment (see `env` below). Prints
// progress on stderr and one JSON report as the last line of stdout; exits 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('KORDON_BASE').replace(/\/$/, '');
const part = env('KORDON_PART');
const email = env('KORDON_EMAIL');
const password = env('KORDON_PASSWORD');
const shots = env('KORDON_SCREENSHOTS');
const TIMEOUT = 30_000;

const report = { steps: [], blocked: [], consoleErrors: [], pageErrors: [] };
const step = (text) => {
  report.steps.push(text);
  process.stderr.write(`console-scenario: ${text}\n`);
};
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

const browser = await chromium.launch({
  executablePath: env('KORDON_CHROMIUM'),
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
await ctx.route('**/*', (route) => {
  const url = new URL(route.request().url());
  if (url.hostname === '127.0.0.1') return route.continue();
  report.blocked.push(url.href);
  return route.abort();
});
const page = await ctx.newPage();
// The owner's refused addresses are meant to answer 404 and 403.
const expected = part === 'owner' ? ['403 (Forbidden)', '404 (Not Found)'] : [];
page.on('console', (m) => {
  if (m.type() === 'error' && !expected.some((e) => m.text().includes(e))) report.consoleErrors.push(m.text());
});
page.on('pageerror', (e) => report.pageErrors.push(String(e)));

const shot = async (name) => {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${part}-${name}.png`), fullPage: true });
};
const visit = async (pathAndQuery) => (await page.goto(`${base}${pathAndQuery}`)).status();
const rows = (text) => page.locator('table.list tbody tr', { hasText: text });
const confirm = async (urlCheck) => {
  await page.locator('section.confirm').waitFor({ timeout: TIMEOUT });
  await page.click('section.confirm button[type=submit]');
  await page.waitForURL(urlCheck, { timeout: TIMEOUT });
};

async function signIn() {
  await page.goto(`${base}/console`);
  check(new URL(page.url()).pathname === '/oauth/authorize', `no session: landed on ${page.url()}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form[action$="/password"] button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/console', { timeout: TIMEOUT });
  step(`${email} signed in through the login page`);
}

async function operator() {
  const host = env('KORDON_BLOCKED_HOST');
  const disable = env('KORDON_DISABLE_EMAIL');
  const revoke = env('KORDON_REVOKE_EMAIL');
  const redirect = env('KORDON_REDIRECT_URI');
  const out = {};

  check((await visit('/console/defender')) === 200, 'the Defender page');
  const row = rows(host);
  await row.waitFor({ timeout: TIMEOUT });
  out.block = (await row.innerText()).replace(/\s+/g, ' ').trim();
  await shot('defender');
  await row.locator('a.button').click();
  await confirm((u) => u.searchParams.get('unblocked') === host);
  out.stillListed = await rows(host).count();
  step(`found ${host} on the Defender page and unblocked it`);
  // A login at its daily cap, forgiven.
  const capped = env('KORDON_CAPPED_LOGIN');
  await rows(capped).waitFor({ timeout: TIMEOUT });
  await shot('defender-capped');
  await rows(capped).locator('form[action="/console/defender/forgive"] button').click();
  await page.waitForURL((u) => u.searchParams.has('forgiven'), { timeout: TIMEOUT });
  out.forgivenNotice = await page.locator('p.notice').innerText();
  out.cappedListed = await rows(capped).count();
  step(`forgave ${capped}`);

  check((await visit(`/console/audit?type=defender.unblock&ip=${host}`)) === 200, 'the Audit page');
  out.audit = (await page.locator('table.list tbody').innerText()).replace(/\s+/g, ' ').trim();
  await shot('audit');
  step('the unblock is in the audit list');

  check((await visit(`/console/users?q=${encodeURIComponent(disable)}`)) === 200, 'the user search');
  await page.waitForURL((u) => u.pathname === '/console/user', { timeout: TIMEOUT });
  await page.click('a.button.danger[href^="/console/user/disable"]');
  await confirm((u) => u.searchParams.get('done') === 'disabled');
  out.disabledState = await page.locator('.state').innerText();
  await shot('user-disabled');
  step(`disabled ${disable}`);

  check((await visit(`/console/users?q=${encodeURIComponent(revoke)}`)) === 200, 'the user search');
  await page.waitForURL((u) => u.pathname === '/console/user', { timeout: TIMEOUT });
  const browsers = page.locator('a[href*="session=browser-"]');
  out.browsersBefore = await browsers.count();
  await browsers.first().click();
  await confirm((u) => u.pathname === '/console/user');
  out.browsersAfter = await page.locator('a[href*="session=browser-"]').count();
  await shot('user-revoked');
  step(`revoked one of ${revoke}'s ${out.browsersBefore} browser sign-ins`);

  out.application = await createApplication(redirect);
  step(`created application ${out.application.id} for ${redirect}`);

  check((await visit('/console/flashcalls')) === 200, 'the FlashCall traffic page');
  out.flagged = (await page.locator('tr.flagged').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await shot('flashcalls');
  step(`the FlashCall traffic page marks ${out.flagged.length} rows`);
  return out;
}

// A new application with one redirect URI: its id, and its secret seen once.
async function createApplication(redirect) {
  check((await visit('/console/applications')) === 200, 'the Applications page');
  await page.fill('form.app-form input[name=name]', 'CRM');
  await page.fill('form.app-form textarea[name=redirect_uris]', redirect);
  await page.click('form.app-form button[type=submit]');
  await page.locator('#client-secret').waitFor({ timeout: TIMEOUT });
  const secret = (await page.locator('#client-secret').innerText()).trim();
  await shot('application-created');
  await page.click('section.secret a.button');
  await page.waitForURL((u) => u.pathname === '/console/application', { timeout: TIMEOUT });
  const id = Number(new URL(page.url()).searchParams.get('id'));
  const shown = await page.content();
  return { id, secret, uriShown: shown.includes(redirect), secretShownAgain: shown.includes(secret) };
}

async function owner() {
  const out = {};
  out.ownHostListed = (await visit('/console/defender')) === 200 && (await rows(env('KORDON_OWN_HOST')).count());
  out.foreignHostListed = await rows(env('KORDON_FOREIGN_HOST')).count();
  await shot('defender');
  out.searchStatus = await visit(`/console/users?q=${encodeURIComponent(env('KORDON_FOREIGN_EMAIL'))}`);
  out.foreignFound = new URL(page.url()).pathname === '/console/user';
  await shot('users-foreign');
  out.statuses = {};
  for (const [name, address] of JSON.parse(env('KORDON_FOREIGN_ADDRESSES'))) {
    out.statuses[name] = await visit(address);
  }
  await shot('foreign-refused');
  out.keys = await visit('/console/keys');
  step(`the owner's view: own host listed ${out.ownHostListed}, foreign ${out.foreignHostListed}`);
  return out;
}

let code = 0;
try {
  await signIn();
  report.result = part === 'operator' ? await operator() : await owner();
  report.ok = true;
} catch (err) {
  report.ok = false;
  report.error = String(err && err.stack ? err.stack : err);
  await shot('failure').catch(() => {});
  code = 1;
} finally {
  await browser.close().catch(() => {});
}
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(code);
