/**
 * Argo CD's read access to a private env repo: a read-only deploy key, registered through the
 * host's `readAccess` capability (on GitHub through the API, as `flux bootstrap` does), and the
 * matching Argo CD repository Secret written to a local file outside every repo (mode 0600). It
 * is never committed anywhere: the user applies it once to the cluster that runs Argo CD.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { toYaml } from '../../generators/yaml-emitter.js';
import { ConfigError } from '../core/config-error.js';
import type { ReadAccess } from '../core/remote-capabilities.js';

/** Where slipway keeps secrets it generates: $SLIPWAY_HOME, else ~/.config/slipway. */
export function slipwayHome(environment: Readonly<Record<string, string | undefined>>): string {
  return environment.SLIPWAY_HOME || join(environment.XDG_CONFIG_HOME || join(homedir(), '.config'), 'slipway');
}

/** Whether bootstrap sets up a deploy key (and writes its Secret under slipway's home) for `env`. */
export function needsArgoCdAccess(env: EnvDefinition): boolean {
  return env.repo.kind === 'github' && env.repo.github?.visibility !== 'public';
}

/**
 * Refuses a home inside a git work tree (a folder with `.git` above it, symlinks resolved): the
 * deploy key's private half written there could be committed and pushed with that repo.
 */
export function checkSlipwayHome(home: string, environment: Readonly<Record<string, string | undefined>>): void {
  const tree = enclosingWorkTree(resolve(home));
  if (tree === undefined) return;
  const what = environment.SLIPWAY_HOME ? `SLIPWAY_HOME (${home})` : `slipway's home (${home}, the default for SLIPWAY_HOME)`;
  throw new ConfigError(
    `${what} is inside the git work tree ${tree}: the Argo CD deploy key written there could be committed; ` +
      'set SLIPWAY_HOME to a folder outside every repository',
  );
}

/** The top of the git work tree `dir` is in (or would be in, once created), if any. */
function enclosingWorkTree(dir: string): string | undefined {
  // Resolve symlinks through the deepest folder that exists; the rest is created later.
  let existing = dir;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const up = dirname(existing);
    if (up === existing) break;
    rest.unshift(basename(existing));
    existing = up;
  }
  let current: string;
  try {
    current = join(realpathSync(existing), ...rest);
  } catch {
    current = dir;
  }
  for (;;) {
    if (existsSync(join(current, '.git'))) return current;
    const up = dirname(current);
    if (up === current) return undefined;
    current = up;
  }
}

function repositorySecretPath(home: string, env: string): string {
  return join(home, 'argocd', `${env}-repository.yaml`);
}

const DEPLOY_KEY_TITLE = (env: string) => `slipway: Argo CD read access (${env})`;

export interface AccessResult {
  readonly secretFile: string;
  /** A new key was created (and the Secret file rewritten). */
  readonly created: boolean;
}

/**
 * Ensures a deploy key and its Secret file. Idempotent: when both exist, nothing is written
 * (no API write either). A key whose private half is lost (no file) is replaced.
 */
export async function ensureArgoCdAccess(
  access: ReadAccess,
  env: EnvDefinition,
  home: string,
  environment: Readonly<Record<string, string | undefined>> = {},
): Promise<AccessResult> {
  checkSlipwayHome(home, environment);
  const secretFile = repositorySecretPath(home, env.name);
  const title = DEPLOY_KEY_TITLE(env.name);
  const keys = await access.keys();
  const existing = keys.filter((k) => k.title === title);
  if (existing.length === 1 && existing[0]!.readOnly && existsSync(secretFile)) return { secretFile, created: false };
  for (const stale of existing) await access.removeKey(stale.id);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const sshPublic = `ssh-ed25519 ${sshString(Buffer.from('ssh-ed25519'), raw).toString('base64')} ${title.replace(/[^\w.@-]+/g, '-')}`;
  // Write the private half first: a key on the host without its private half is the worse state.
  mkdirSync(dirname(secretFile), { recursive: true, mode: 0o700 });
  writeFileSync(secretFile, toYaml(repositorySecret(env, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())), { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  await access.addKey(title, sshPublic);
  return { secretFile, created: true };
}

/** The OpenSSH wire format of an ed25519 public key: two length-prefixed strings. */
function sshString(...parts: Buffer[]): Buffer {
  return Buffer.concat(
    parts.flatMap((p) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(p.length);
      return [len, p];
    }),
  );
}

/** An Argo CD repository Secret (declarative setup), matched to Applications by URL. */
function repositorySecret(env: EnvDefinition, sshPrivateKey: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `slipway-${env.name}-repository`,
      namespace: env.argocdNamespace,
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
    },
    stringData: { type: 'git', url: env.repo.url, sshPrivateKey },
  };
}
