/**
 * Chromium for the browser tests: Debian's package driven by playwright-core (Playwright's own
 * browser download is not reachable here). A missing browser fails the tests with what to install;
 * it never skips them.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.KYODAKU_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(executablePath: string = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install it with "apt-get install -y chromium fonts-ipafont-gothic" ` +
        '(.ci/run does) or set KYODAKU_CHROMIUM to a Chromium or Chrome binary',
    );
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
