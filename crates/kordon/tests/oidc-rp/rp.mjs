// A relying party built on openid-client (a certified OpenID Connect library) signs users in
// through kordon's own login pages in headless Chromium, as a web app of the platform would:
//
//   A. A confidential client, English: discovery → authorization URL with PKCE, state and nonce →
//      the login page filled with email + password → consent (Allow) → the callback → the code
//      exchanged → the ID token verified against the JWKS → UserInfo → refresh → a second,
//      trusted client in the same browser is not asked again (SSO) → RP-initiated logout → a
//      prompt=none request now answers login_required.
//   B. A public client (PKCE only, no secret), Russian: the login page's phone + FlashCall way
//      in, the PIN read from kordon's dev outbox → consent → the code exchanged → ID token with
//      amr "tel".
//   C. An authorization request with an unregistered redirect URI: kordon's error page, in
//      both languages, and no redirect.
//
// Spawned by crates/kordon/tests/oidc_browser.rs. Input from the environment (see `env` below).
// Screenshots of every page go to KORDON_SCREENSHOTS. Prints progress on stderr and one JSON
// report as the last line of stdout; exits 1 on failure.

import * as client from 'openid-client';
import * as jose from 'jose';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('KORDON_BASE').replace(/\/$/, '');
const port = Number(env('KORDON_CALLBACK_PORT'));
const confidential = { id: env('KORDON_CONFIDENTIAL_ID'), secret: env('KORDON_CONFIDENTIAL_SECRET') };
const trusted = { id: env('KORDON_TRUSTED_ID'), secret: env('KORDON_TRUSTED_SECRET') };
const publicId = env('KORDON_PUBLIC_ID');
const email = env('KORDON_EMAIL');
const password = env('KORDON_PASSWORD');
const phone = env('KORDON_PHONE');
const outbox = env('KORDON_OUTBOX');
const executablePath = env('KORDON_CHROMIUM');
const shots = env('KORDON_SCREENSHOTS');
const TIMEOUT = 30_000;
const callback = `http://127.0.0.1:${port}/callback`;
const goodbye = `http://127.0.0.1:${port}/bye`;

const report = { steps: [], screenshots: [], blocked: [], consoleErrors: [], pageErrors: [] };
const step = (text) => {
  report.steps.push(text);
  process.stderr.write(`oidc-rp: ${text}\n`);
};
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

// The relying party's own web server: the redirect URI and the post-logout URI.
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>relying party</title><p>${req.url.startsWith('/bye') ? 'signed out' : 'back at the app'}`);
});
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

// `expected` is a console message the page is meant to cause (an error page's own status).
async function context(locale, expected = null) {
  const ctx = await browser.newContext({ locale, viewport: { width: 800, height: 760 } });
  // Nothing leaves the machine: a request to any other host is aborted and reported.
  await ctx.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    report.blocked.push(url.href);
    return route.abort();
  });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expected && m.text().includes(expected))) report.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => report.pageErrors.push(String(e)));
  return { ctx, page };
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  report.screenshots.push(file);
}

const discover = (id, auth) =>
  client.discovery(new URL(base), id, undefined, auth, { execute: [client.allowInsecureRequests] });

async function authorization(config, scope, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const checks = { pkceCodeVerifier: verifier, expectedNonce: client.randomNonce(), expectedState: client.randomState() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce: checks.expectedNonce,
    state: checks.expectedState,
    ...extra,
  });
  return { url, checks };
}

const atCallback = (page) => page.waitForURL((u) => u.href.startsWith(callback), { timeout: TIMEOUT });

async function verified(config, idToken, audience) {
  const meta = config.serverMetadata();
  const jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
  const { payload, protectedHeader } = await jose.jwtVerify(idToken, jwks, { issuer: meta.issuer, audience });
  check(protectedHeader.alg === 'RS256' && protectedHeader.kid, `ID token header ${JSON.stringify(protectedHeader)}`);
  return payload;
}

async function passwordFlow() {
  const config = await discover(confidential.id, client.ClientSecretBasic(confidential.secret));
  const meta = config.serverMetadata();
  step(`discovery: issuer ${meta.issuer}, authorization ${meta.authorization_endpoint}`);
  const { url, checks } = await authorization(config, 'openid email phone offline_access');
  const { ctx, page } = await context('en-US');
  const login = await page.goto(url.href);
  check(login.status() === 200, `login page status ${login.status()}`);
  await page.locator('input[name=email]').waitFor({ timeout: TIMEOUT });
  check((await page.title()).startsWith('Sign in'), `title ${await page.title()}`);
  await shot(page, 'login-en');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form[action$="/password"] button[type=submit]');
  await page.locator('button[value=allow]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'consent-en');
  step('signed in with email + password; consent page shown');
  await page.click('button[value=allow]');
  await atCallback(page);
  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { ...checks, idTokenExpected: true });
  const claims = tokens.claims();
  const payload = await verified(config, tokens.id_token, confidential.id);
  check(payload.sub === claims.sub, 'the verified ID token is the one openid-client read');
  step(`code exchanged: ID token for sub ${claims.sub}, amr ${JSON.stringify(claims.amr)}, verified against the JWKS`);
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  step(`UserInfo: ${JSON.stringify(userinfo)}`);
  check(tokens.refresh_token, 'offline_access gives a refresh token');
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  check(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'the refresh token rotates');
  const after = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
  step('refreshed: new pair, UserInfo still answers');

  // Single sign-on: another (trusted) client of the platform, same browser, no page at all.
  const sso = await discover(trusted.id, client.ClientSecretBasic(trusted.secret));
  const second = await authorization(sso, 'openid email');
  await page.goto(second.url.href);
  await atCallback(page);
  const ssoTokens = await client.authorizationCodeGrant(sso, new URL(page.url()), second.checks);
  check(ssoTokens.claims().sub === claims.sub, 'SSO signed the same user in');
  step('a second client in the same browser got a code without any page (SSO)');

  // RP-initiated logout ends the SSO session.
  const end = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: goodbye,
    state: 'bye-state',
  });
  await page.goto(end.href);
  await page.waitForURL((u) => u.href.startsWith(goodbye), { timeout: TIMEOUT });
  const bye = new URL(page.url());
  check(bye.searchParams.get('state') === 'bye-state', `post-logout state: ${bye.href}`);
  const silent = await authorization(sso, 'openid', { prompt: 'none' });
  await page.goto(silent.url.href);
  await atCallback(page);
  const silentAnswer = new URL(page.url());
  step(`after logout, prompt=none answers ${silentAnswer.searchParams.get('error')}`);

  // Signing in again for the trusted client: the login form's answer is the redirect to the
  // client itself (no consent page), which the page's form-action must allow.
  const again = await authorization(sso, 'openid email');
  await page.goto(again.url.href);
  await page.locator('input[name=email]').waitFor({ timeout: TIMEOUT });
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form[action$="/password"] button[type=submit]');
  await atCallback(page);
  const againTokens = await client.authorizationCodeGrant(sso, new URL(page.url()), again.checks);
  step('signed in again through the form straight back to a trusted client');
  await ctx.close();
  return {
    claims,
    verified: payload,
    userinfo,
    refreshedUserinfo: after,
    scope: tokens.scope,
    sso: ssoTokens.claims().sub,
    postLogout: bye.href,
    afterLogout: Object.fromEntries(silentAnswer.searchParams),
    signedInAgain: againTokens.claims().sub,
  };
}

async function pinFor(token) {
  for (let i = 0; i < 100; i += 1) {
    const lines = fs.existsSync(outbox) ? fs.readFileSync(outbox, 'utf8').trim().split('\n') : [];
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.token === token);
    if (line) return line.pin;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no call with token ${token} in ${outbox}`);
}

async function flashCallFlow() {
  const config = await discover(publicId, client.None());
  const { url, checks } = await authorization(config, 'openid phone');
  const { ctx, page } = await context('ru-RU');
  await page.goto(url.href);
  await page.locator('input[name=phone]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'login-ru');
  await page.fill('input[name=phone]', phone);
  await page.click('form[action$="/flashcall"] button[type=submit]');
  await page.locator('input[name=pin]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'flashcall-ru');
  const token = await page.locator('input[name=token]').inputValue();
  const pin = await pinFor(token);
  step('FlashCall placed; the PIN read from the dev outbox');
  await page.fill('input[name=pin]', pin);
  await page.click('form[action$="/pin"] button[type=submit]');
  await page.locator('button[value=allow]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'consent-ru');
  await page.click('button[value=allow]');
  await atCallback(page);
  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { ...checks, idTokenExpected: true });
  const payload = await verified(config, tokens.id_token, publicId);
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, payload.sub);
  step(`public client signed in by FlashCall: amr ${JSON.stringify(payload.amr)}`);

  // Signing out without an ID token: kordon asks first, then says so.
  await page.goto(`${base}/oauth/logout`);
  await page.locator('form[action="/oauth/logout"] button[type=submit]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'logout-ru');
  await page.click('form[action="/oauth/logout"] button[type=submit]');
  await page.locator('p[role=status]').waitFor({ timeout: TIMEOUT });
  await shot(page, 'signed-out-ru');
  const signedOut = await page.locator('h1').innerText();
  step(`signed out after confirming: ${signedOut}`);
  await ctx.close();
  return { verified: payload, userinfo, refresh: Boolean(tokens.refresh_token), signedOut };
}

async function errorPages() {
  const out = {};
  for (const [locale, name] of [['en-US', 'error-en'], ['ru-RU', 'error-ru']]) {
    const { ctx, page } = await context(locale, 'status of 400 (Bad Request)');
    const bad = `${base}/oauth/authorize?response_type=code&client_id=${publicId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
    const response = await page.goto(bad);
    await shot(page, name);
    out[name] = { status: response.status(), url: page.url(), heading: await page.locator('h1').innerText() };
    await ctx.close();
  }
  step('an unregistered redirect URI gets kordon\'s page, not a redirect');
  return out;
}

let code = 0;
try {
  fs.mkdirSync(shots, { recursive: true });
  report.password = await passwordFlow();
  report.flashcall = await flashCallFlow();
  report.errors = await errorPages();
  report.ok = true;
} catch (err) {
  report.ok = false;
  report.error = String(err && err.stack ? err.stack : err);
  code = 1;
} finally {
  await browser.close().catch(() => {});
  server.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(code);
