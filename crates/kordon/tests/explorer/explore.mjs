// Drives kordon's API explorer (/docs) in headless Chromium with no network but the server's own
// loopback address, as a user following seed 003 would:
//
//   A. "Try it out!" on POST /oauth/token with client_id / client_secret → Execute → copy the
//      access_token → Authorize → oauthBearer ("Access Token Field" / "Set Token") → Try it out on
//      GET /api/ver1.0/user/ → Execute → the answer shows the owner's email.
//   B. Reload; Authorize → oauth2 (clientCredentials) with client_id / client_secret, which fetches
//      and sets the token in one step → GET /api/ver1.0/user/ again.
//
// Spawned by crates/kordon/tests/explorer.rs. Input from the environment:
//   KORDON_BASE (http://127.0.0.1:PORT), KORDON_CLIENT_ID, KORDON_CLIENT_SECRET, KORDON_EMAIL,
//   KORDON_CHROMIUM (the browser), KORDON_SCREENSHOTS (a folder for PNGs).
// Prints progress on stderr and one JSON report as the last line of stdout; exits 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('KORDON_BASE').replace(/\/$/, '');
const clientId = env('KORDON_CLIENT_ID');
const clientSecret = env('KORDON_CLIENT_SECRET');
const email = env('KORDON_EMAIL');
const executablePath = env('KORDON_CHROMIUM');
const shots = env('KORDON_SCREENSHOTS');
const allowedHost = new URL(base).hostname;
const TIMEOUT = 30_000;

const report = {
  requests: [],      // every http(s)/ws(s) URL the page asked for
  blocked: [],       // those aimed anywhere but the server: aborted, and a failure
  failed: [],        // requests to the server that did not complete
  pageErrors: [],    // uncaught exceptions in the page
  consoleErrors: [], // console.error lines, CSP violations (blocked attempts) among them
  steps: [],
  screenshots: [],
};
const step = (text) => {
  report.steps.push(text);
  process.stderr.write(`explorer: ${text}\n`);
};

/// The operation block of `method path` (collapsed or not).
const operation = (page, method, apiPath) =>
  page.locator(`.opblock.opblock-${method}`, { has: page.locator(`[data-path="${apiPath}"]`) });

/// Expands an operation, presses "Try it out", and answers the block.
async function tryItOut(page, method, apiPath) {
  const op = operation(page, method, apiPath);
  await op.waitFor({ timeout: TIMEOUT });
  if (!(await op.evaluate((el) => el.classList.contains('is-open')))) {
    await op.locator('.opblock-summary-control').click();
  }
  await op.locator('button.try-out__btn', { hasText: 'Try it out' }).click();
  await op.locator('button.execute').waitFor({ timeout: TIMEOUT });
  return op;
}

/// Presses "Execute" and answers the live response: status code and body text as shown.
async function execute(op) {
  await op.locator('button.execute').click();
  const live = op.locator('.live-responses-table .response');
  await live.first().waitFor({ timeout: TIMEOUT });
  const status = (await live.first().locator('.response-col_status').innerText()).trim();
  const body = op.locator('.live-responses-table .response-col_description pre.microlight').first();
  await body.waitFor({ timeout: TIMEOUT });
  return { status, body: await body.innerText() };
}

async function openAuthorize(page) {
  await page.locator('.auth-wrapper button.authorize').click();
  await page.locator('.modal-ux').waitFor({ timeout: TIMEOUT });
}

async function closeAuthorize(page) {
  await page.locator('.modal-ux button.close-modal').click();
  await page.locator('.modal-ux').waitFor({ state: 'detached', timeout: TIMEOUT });
}

/// The auth-container of one security scheme (and flow) in the Authorize dialog.
const scheme = (page, title) => page.locator('.modal-ux .auth-container', { has: page.locator('h4', { hasText: title }) });

async function callUser(page, label) {
  const op = await tryItOut(page, 'get', '/api/ver1.0/user/');
  const answer = await execute(op);
  step(`${label}: GET /api/ver1.0/user/ answered ${answer.status}`);
  report[label] = answer;
  if (answer.status !== '200') throw new Error(`${label}: GET /api/ver1.0/user/ answered ${answer.status}: ${answer.body}`);
  const user = JSON.parse(answer.body);
  if (user.email !== email) throw new Error(`${label}: the explorer shows ${answer.body}, not ${email}`);
  await op.scrollIntoViewIfNeeded();
  return op;
}

async function screenshot(page, name) {
  const file = path.join(shots, name);
  await page.screenshot({ path: file, fullPage: false });
  report.screenshots.push(file);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kordon-explorer-'));
let context;
let failure = null;
try {
  fs.mkdirSync(shots, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  // No network: the server's own address only; everything else is aborted and reported.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    report.requests.push(url.href);
    if (url.hostname === allowedHost) return route.continue();
    report.blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return;
    if (url.hostname !== allowedHost && !report.blocked.includes(url.href)) report.blocked.push(url.href);
  });
  context.on('requestfailed', (request) => {
    const url = new URL(request.url());
    if (url.hostname === allowedHost) report.failed.push(`${url.href}: ${request.failure()?.errorText}`);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => report.pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') report.consoleErrors.push(msg.text());
  });

  // The explorer loads, with the document, from the server alone.
  const response = await page.goto(`${base}/docs`, { waitUntil: 'load' });
  step(`GET /docs → ${page.url()} (${response?.status()})`);
  await page.locator('.swagger-ui .info .title', { hasText: 'kordon' }).waitFor();
  await operation(page, 'post', '/oauth/token').waitFor();
  step('the explorer rendered the document');
  await screenshot(page, 'explorer-loaded.png');

  // A. The seed's way: "Try it out!" with client_id / client_secret, then "Set Token".
  const token = await tryItOut(page, 'post', '/oauth/token');
  await token.locator('select.content-type').first().selectOption('application/x-www-form-urlencoded');
  await token.locator('tr[data-property-name="grant_type"] select').selectOption('client_credentials');
  await token.locator('tr[data-property-name="client_id"] input[type=text]').fill(clientId);
  await token.locator('tr[data-property-name="client_secret"] input[type=text]').fill(clientSecret);
  const issued = await execute(token);
  step(`A: POST /oauth/token answered ${issued.status}`);
  report.token = { status: issued.status };
  if (issued.status !== '200') throw new Error(`POST /oauth/token answered ${issued.status}: ${issued.body}`);
  const accessToken = JSON.parse(issued.body).access_token;
  if (!accessToken) throw new Error(`no access_token in ${issued.body}`);
  await openAuthorize(page);
  const bearer = scheme(page, 'oauthBearer');
  await bearer.locator('input[type=text]').fill(accessToken);
  await bearer.locator('button.authorize').click();
  await bearer.locator('button', { hasText: 'Logout' }).waitFor();
  step('A: the token is set (oauthBearer)');
  await closeAuthorize(page);
  await callUser(page, 'tokenFromTryItOut');
  await screenshot(page, 'explorer-user.png');

  // B. The Authorize dialog's client credentials flow: enter client_id / client_secret, Authorize.
  await page.reload({ waitUntil: 'load' });
  await operation(page, 'get', '/api/ver1.0/user/').waitFor();
  await openAuthorize(page);
  const flow = scheme(page, 'clientCredentials');
  await flow.locator('#client_id_clientCredentials').fill(clientId);
  await flow.locator('#client_secret_clientCredentials').fill(clientSecret);
  await flow.locator('button.authorize').click();
  await flow.locator('button', { hasText: 'Logout' }).waitFor();
  const authErrors = await flow.locator('.errors').allInnerTexts();
  if (authErrors.some((t) => t.trim())) throw new Error(`Authorize (clientCredentials) failed: ${authErrors.join(' ')}`);
  step('B: Authorize (oauth2 clientCredentials) got and set a token');
  await closeAuthorize(page);
  await callUser(page, 'tokenFromAuthorize');
  await screenshot(page, 'explorer-authorize.png');
} catch (err) {
  failure = err;
  report.error = String(err?.stack ?? err);
  try {
    const page = context?.pages()[0];
    if (page) await screenshot(page, 'explorer-failure.png');
  } catch {
    // The browser is gone; the error above says why.
  }
} finally {
  await context?.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}

if (!failure && report.blocked.length) failure = new Error(`requests left the machine: ${report.blocked.join(', ')}`);
if (!failure && report.pageErrors.length) failure = new Error(`the page threw: ${report.pageErrors.join(' | ')}`);
// The page's Content-Security-Policy stops a request to another origin before it reaches the
// network (and the route above); the attempt still shows as a console error, and fails the run.
if (!failure && report.consoleErrors.length) failure = new Error(`console errors: ${report.consoleErrors.join(' | ')}`);
report.ok = !failure;
process.stdout.write(`${JSON.stringify(report)}\n`);
if (failure) {
  process.stderr.write(`explorer: FAILED: ${failure.message ?? failure}\n`);
  process.exit(1);
}
