/**
 * The dashboard under the broker's security headers in real Chromium, over plain HTTP and over
 * HTTPS with its live feed on wss:// (a certificate made by openssl for this run): signed in, the
 * live feed connected and a car park's state shown, with no Content-Security-Policy violation
 * reported by the page (securitypolicyviolation events and console errors).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  type DashboardRig,
  openBrowser,
  signIn,
  startDashboardRig,
  SAMPLE_LOT,
} from '../../dashboard/testing/e2e.ts';
import { makeTestCertificates } from '../../testing/servers.ts';

let certs: Awaited<ReturnType<typeof makeTestCertificates>>;
let rig: DashboardRig;
let browser: Browser;

beforeAll(async () => {
  certs = await makeTestCertificates('localhost');
  rig = await startDashboardRig({
    tls: { port: 0, httpsPort: 0, certFile: certs.certFile, keyFile: certs.keyFile },
  });
  const gw = await rig.device('campus', 'gw-1', 'parking');
  await gw.send('parkingLot', {}, SAMPLE_LOT);
  browser = await openBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await certs?.cleanup();
});

/** A page that records every CSP violation, from its first script on. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  // The test certificate's CA is not in Chromium's store; the check here is the CSP, not trust.
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(
        `${e.violatedDirective} blocked ${e.blockedURI}`,
      );
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return { page, violations };
}

describe('the dashboard under the CSP', () => {
  const cases = [
    ['plain HTTP (ws://)', () => rig.base],
    ['HTTPS (wss://)', () => `https://127.0.0.1:${rig.broker.httpsPort}`],
  ] as const;

  it.each(cases)('signs in, goes live and shows a car park over %s with no violation', async (_, base) => {
    const { page, violations } = await watchedPage();
    const res = await page.goto(`${base()}/`);
    expect(res?.headers()['content-security-policy']).toMatch(/connect-src 'self'/);
    expect(Boolean(res?.headers()['strict-transport-security'])).toBe(base().startsWith('https'));
    await signIn(page, base(), ADMIN.username, ADMIN.password);
    // The overview's map marks the car park with its live occupancy.
    await page
      .locator('title', { hasText: 'campus/gw-1: 2 of 6 free' })
      .first()
      .waitFor({ state: 'attached', timeout: 15_000 });
    expect(violations).toEqual([]);
    await page.context().close();
  });
});
