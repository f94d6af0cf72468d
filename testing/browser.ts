/**
 * Debian Chromium through playwright-core for benches and scripts (FIELD-NOTES "Browser tests"):
 * `launch()` gives every run a fresh temporary profile, and a Browser (unlike a persistent
 * context) can open a browser-level CDP session, which is how the dashboard bench finds the
 * renderer processes it samples.
 */
import { type Browser, chromium } from 'playwright-core';
import { requireBinary } from '../simulators/infra/processes.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = requireBinary('chromium', 'chromium');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Pids of the browser's processes by Chromium's own process type (browser, renderer, gpu, utility). */
export async function chromiumProcesses(browser: Browser): Promise<Array<{ type: string; pid: number }>> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: Array<{ type: string; id: number }>;
    };
    return info.processInfo.map((p) => ({ type: p.type, pid: p.id }));
  } finally {
    await cdp.detach();
  }
}
