// What kordon's Chromium drivers share (console.mjs, account.mjs, passkeys.mjs): the environment,
// the JSON report, headless Chromium whose contexts reach nothing but the server's loopback address, and
// screenshots of a page at desktop and phone widths that fail when the page sticks out sideways.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const TIMEOUT = 30_000;
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/// The environment variable `name`, which must be set.
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

export const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

/// A driver named `name`: its report, its browser, its contexts and screenshots (into
/// KORDON_SCREENSHOTS) and its end (`finish`: the report as the last stdout line, exit 1 on failure).
export async function driver(name) {
  const shots = env('KORDON_SCREENSHOTS');
  fs.mkdirSync(shots, { recursive: true });
  const report = { steps: [], screenshots: [], blocked: [], consoleErrors: [], pageErrors: [] };
  const browser = await chromium.launch({
    executablePath: env('KORDON_CHROMIUM'),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });

  const step = (text) => {
    report.steps.push(text);
    process.stderr.write(`${name}: ${text}\n`);
  };

  // `expected`: console messages a page is meant to cause (an error page's own status).
  async function context(locale, expected = []) {
    const ctx = await browser.newContext({ locale, viewport: DESKTOP });
    await ctx.route('**/*', (route) => {
      const url = new URL(route.request().url());
      // `localhost` too: a passkey's RP ID cannot be an IP address (passkeys.mjs).
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
      report.blocked.push(url.href);
      return route.abort();
    });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected.some((e) => m.text().includes(e))) report.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => report.pageErrors.push(String(e)));
    return { ctx, page };
  }

  /// The page at both widths: `<name>-<lang>-desktop.png` and `<name>-<lang>-phone.png`.
  // Chromium now and then refuses a full-page capture taken right after a resize under load
  // ("Unable to capture screenshot"); one more try a moment later settles it, and a second
  // refusal still fails the part.
  async function capture(page, file) {
    try {
      await page.screenshot({ path: file, fullPage: true });
    } catch (err) {
      if (!String(err).includes('Unable to capture screenshot')) throw err;
      await page.waitForTimeout(250);
      await page.screenshot({ path: file, fullPage: true });
    }
  }

  async function shot(page, shotName, lang) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      const file = path.join(shots, `${shotName}-${lang}-${size}.png`);
      await capture(page, file);
      report.screenshots.push(file);
      // Nothing may stick out sideways: the page is as wide as the window.
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= viewport.width, `${shotName}-${lang}-${size}: the page is ${wide} px wide in a ${viewport.width} px window`);
    }
    await page.setViewportSize(DESKTOP);
  }

  /// Runs `body` (which fills the report), then prints the report and exits.
  async function finish(body) {
    let code = 0;
    try {
      await body();
      report.ok = true;
    } catch (err) {
      report.ok = false;
      report.error = String(err && err.stack ? err.stack : err);
      code = 1;
    } finally {
      await browser.close().catch(() => {});
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(code);
  }

  return { report, step, context, shot, finish };
}

export const heading = (page) => page.locator('h1').first().innerText();

/// The login page's email and password, submitted.
export async function signIn(page, email, secret) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', secret);
  await page.click('form[action$="/password"] button[type=submit]');
}
