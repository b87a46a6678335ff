/**
 * Headless Chromium from the OS packages (`.ci/run` installs it), driven by playwright-core: for
 * the status page's browser test and the README's screenshot. A machine without it skips only
 * that test, saying so in one line; under CI its absence fails the test instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The OS's Chromium (SLIPWAY_CHROMIUM names another), or undefined. */
export const CHROMIUM = [process.env.SLIPWAY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => Boolean(p) && existsSync(p!),
);

export const CHROMIUM_MISSING = 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set SLIPWAY_CHROMIUM)';

/** No first-run, sync, component update or background traffic: the only requests are the page's. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with a fresh profile, removed by `close`. */
export async function openChromium(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  if (!CHROMIUM) throw new Error(CHROMIUM_MISSING);
  const profile = mkdtempSync(join(tmpdir(), 'slipway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1200, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
