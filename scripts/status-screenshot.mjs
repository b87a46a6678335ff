// Regenerates docs/status-page.png, the README's picture of `slipway status --html`: the sample
// after a few promotions (test/support/status-sample.ts, real git, about a minute), its page made
// by the CLI, opened in the OS's headless Chromium (test/support/chromium.ts), the part down to
// the promotion graph captured. Run from anywhere: node scripts/status-screenshot.mjs
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register(pathToFileURL(join(root, 'src/cli/ts-hooks.mjs')));
const { makeStatusSample } = await import(pathToFileURL(join(root, 'test/support/status-sample.ts')).href);
const { openChromium } = await import(pathToFileURL(join(root, 'test/support/chromium.ts')).href);

const out = join(root, 'docs', 'status-page.png');
const sample = await makeStatusSample();
try {
  const page = join(sample.root, 'status.html');
  await sample.slipway(['status', '--html', page, '-q']);
  const browser = await openChromium({ colorScheme: 'light' });
  try {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 1100, height: 900 });
    await tab.goto(pathToFileURL(page).href);
    const bottom = await tab.locator('#graph').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    await tab.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) + 16 } });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${out}`);
} finally {
  sample.cleanup();
}
