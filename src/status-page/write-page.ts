/**
 * `slipway status --html <file|->`: gathers the facts, builds the page and writes it, to stdout
 * (`-`) or to a file replaced whole (a temporary file beside it, renamed over it), so a reader
 * (a web server publishing it, a CI step uploading it) never sees half a page.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { writeFileAtomically } from '../write/file-atomically.js';
import type { StatusReport } from '../promotion/read-commands.js';
import type { RegistryLookup } from '../registry/registry-standing.js';
import { gatherStatusPage, type GatherOptions } from './gather.js';
import { buildStatusPage } from './page-model.js';
import { renderStatusPage } from './render-html.js';

export interface StatusPageOptions extends GatherOptions {
  /** A file path, or `-` for stdout. */
  readonly target: string;
  /** Passed over the whole page before it is written: tokens never reach it. */
  readonly redact: (text: string) => string;
}

export async function writeStatusPage(
  options: StatusPageOptions,
): Promise<{ readonly report: StatusReport; readonly bytes: number; readonly registry?: readonly RegistryLookup[] }> {
  // Checked before any remote is read: a wrong path fails at once, and nothing is written.
  const file = options.target === '-' ? undefined : resolve(options.target);
  if (file) checkTarget(file, options.target);
  const { report, input, registry } = await gatherStatusPage(options);
  const html = options.redact(renderStatusPage(buildStatusPage(input)));
  if (file) writeFileAtomically(file, html, (reason) => new ConfigError(`--html ${options.target}: cannot write the page: ${reason}`));
  else process.stdout.write(html);
  return { report, bytes: Buffer.byteLength(html), ...(registry ? { registry } : {}) };
}

function checkTarget(file: string, label: string): void {
  const parent = dirname(file);
  let isDir: boolean;
  try {
    isDir = statSync(parent).isDirectory();
  } catch {
    throw new ConfigError(`--html ${label}: the folder ${parent} does not exist`);
  }
  if (!isDir) throw new ConfigError(`--html ${label}: ${parent} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new ConfigError(`--html ${label}: is a folder; name a file`);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // Not there yet: it is created.
  }
}
