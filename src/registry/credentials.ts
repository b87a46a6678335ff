/**
 * Registry credentials, looked up the way `docker pull` finds them, first match wins:
 *
 * 1. `SLIPWAY_REGISTRY_<HOST>_USERNAME` and `SLIPWAY_REGISTRY_<HOST>_PASSWORD` (a token is a
 *    password), `<HOST>` mangled by `envVarHost` (`ghcr.io` → `GHCR_IO`, `127.0.0.1:5000` →
 *    `127_0_0_1_5000`): what CI sets from its secrets.
 * 2. `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`): `credHelpers[<host>]`, else
 *    `credsStore`, run as `docker-credential-<name> get` when that program is on PATH (a helper
 *    that is not installed is skipped, as on a CI runner that copied a laptop's config); then
 *    `auths[<host>]` (`auth`: base64 user:password, or `username` / `password`). Docker Hub's
 *    entry is keyed `https://index.docker.io/v1/` (docker/cli, config/configfile `GetAuthConfig`).
 *
 * None found: anonymous (public images; the registry's token service hands out pull tokens).
 * Nothing here is ever printed: errors name the host and where the credentials came from.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError } from '../core/config-error.js';
import { envVarHost } from './image-ref.js';
import { checkSecret } from '../core/secret-check.js';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  /** Where they came from, for messages: `SLIPWAY_REGISTRY_GHCR_IO_USERNAME/PASSWORD`, `~/.docker/config.json auths`. */
  readonly source: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The keys a host's `auths` entry may have (docker writes Docker Hub's as its v1 URL). */
function authKeys(host: string): string[] {
  const keys = [host, `https://${host}`, `https://${host}/`, `http://${host}`, `https://${host}/v2/`, `https://${host}/v1/`];
  return host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', ...keys] : keys;
}

function readDockerConfig(environment: Environment): { config: DockerConfig; file: string } | undefined {
  const dir = environment.DOCKER_CONFIG || join(environment.HOME || homedir(), '.docker');
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return { config: JSON.parse(text) as DockerConfig, file };
  } catch (e) {
    throw new ConfigError(`${file}: not JSON (${(e as Error).message}); fix or remove it`);
  }
}

function onPath(program: string, environment: Environment): string | undefined {
  for (const dir of (environment.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/** Runs a docker credential helper's `get` (protocol: github.com/docker/docker-credential-helpers). */
function fromHelper(helper: string, host: string, environment: Environment): Promise<RegistryCredentials | undefined> {
  const program = onPath(`docker-credential-${helper}`, environment);
  if (!program) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: 15_000, env: environment as NodeJS.ProcessEnv }, (error, stdout) => {
      // "credentials not found" is an exit 1 with that text: anonymous, not a failure.
      if (error) {
        if (/credentials not found/i.test(stdout)) resolve(undefined);
        else
          reject(
            new ConfigError(
              `docker-credential-${helper} get for ${host} failed (exit ${error.code ?? 'signal'}); check the helper's login`,
            ),
          );
        return;
      }
      try {
        const got = JSON.parse(stdout) as { Username?: string; Secret?: string };
        resolve(got.Secret ? { username: got.Username ?? '', password: got.Secret, source: `docker-credential-${helper}` } : undefined);
      } catch {
        reject(new ConfigError(`docker-credential-${helper} get for ${host}: its answer is not JSON`));
      }
    });
    child.stdin?.end(host);
  });
}

function fromAuths(config: DockerConfig, host: string, file: string): RegistryCredentials | undefined {
  const entry = authKeys(host)
    .map((k) => config.auths?.[k])
    .find((e) => e !== undefined);
  if (!entry) return undefined;
  if (entry.username !== undefined && entry.password !== undefined)
    return { username: entry.username, password: entry.password, source: `${file} auths` };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new ConfigError(`${file}: auths entry for ${host}: 'auth' is not base64 of user:password`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: `${file} auths` };
}

/** The credentials for registry `host` (`docker.io`, `127.0.0.1:5000`), or undefined: anonymous. */
export async function registryCredentials(host: string, environment: Environment): Promise<RegistryCredentials | undefined> {
  const prefix = `SLIPWAY_REGISTRY_${envVarHost(host)}`;
  const username = environment[`${prefix}_USERNAME`];
  const password = environment[`${prefix}_PASSWORD`];
  if (username !== undefined || password !== undefined) {
    if (!username || !password)
      throw new ConfigError(`${prefix}_USERNAME and ${prefix}_PASSWORD: set both (or neither, for anonymous pulls)`);
    return {
      username: checkSecret(`${prefix}_USERNAME`, username),
      password: checkSecret(`${prefix}_PASSWORD`, password),
      source: `${prefix}_USERNAME/PASSWORD`,
    };
  }
  const found = readDockerConfig(environment);
  if (!found) return undefined;
  const { config, file } = found;
  const helper =
    config.credHelpers?.[host] ?? (host === 'docker.io' ? config.credHelpers?.['index.docker.io'] : undefined) ?? config.credsStore;
  if (helper) {
    const fromIt = await fromHelper(helper, host === 'docker.io' ? 'https://index.docker.io/v1/' : host, environment);
    if (fromIt) return fromIt;
  }
  return fromAuths(config, host, file);
}
