/**
 * An image name as Docker reads it (`vfarcic/devops-toolkit-series`, `ghcr.io/org/app`,
 * `127.0.0.1:5000/team/app`): which registry, which repository, and where its API answers.
 *
 * Docker's rules (github.com/distribution/reference, normalize.go `splitDockerDomain`): the first
 * component is a registry only when it has a `.` or a `:` or is `localhost`; otherwise the image
 * is on Docker Hub (`docker.io`), whose API is `registry-1.docker.io` (`index.docker.io` is the
 * same registry) and whose one-component names live under `library/` (`nginx` → `library/nginx`).
 *
 * Plain http only for loopback registries (localhost, 127.0.0.0/8, ::1), as Docker treats them as
 * insecure registries without being told; everything else is https.
 *
 * A mirror: `SLIPWAY_REGISTRY_<HOST>_MIRROR=127.0.0.1:5000` reads `<HOST>`'s images from another
 * registry under the same repository names (the README's offline walkthrough: Docker Hub's
 * `vfarcic/devops-toolkit-series` from a local registry). `<HOST>` is mangled as `envVarHost` says.
 */
import { ConfigError } from '../core/config-error.js';

export interface ImageRef {
  /** The registry as credentials name it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** `library/nginx`, `vfarcic/devops-toolkit-series`. */
  readonly repository: string;
  /** Where the API answers, no trailing slash: `https://registry-1.docker.io`. */
  readonly endpoint: string;
  /** What is written in messages: `docker.io/vfarcic/devops-toolkit-series` (and the mirror, when one is used). */
  readonly description: string;
}

const DOCKER_HUB = 'docker.io';
/** Lower-case path components separated by `/`, as distribution's reference grammar allows them. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** `docker.io` → `DOCKER_IO`, `127.0.0.1:5000` → `127_0_0_1_5000`: upper case, anything not a letter or digit `_`. */
export function envVarHost(registry: string): string {
  return registry.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

function endpointOf(host: string): string {
  if (/^https?:\/\//.test(host)) return host.replace(/\/+$/, '');
  return `${isLoopback(host) ? 'http' : 'https'}://${host}`;
}

/**
 * Parses `image` (no tag, no digest: an app's `image`). `environment` gives mirrors.
 * Throws a ConfigError naming `where` when the name is not one Docker accepts.
 */
export function parseImage(image: string, where: string, environment: Readonly<Record<string, string | undefined>> = {}): ImageRef {
  const bare = image.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[\w][\w.-]{0,127}$/, (m) => (m.includes('/') ? m : ''));
  const slash = bare.indexOf('/');
  const first = slash < 0 ? '' : bare.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  let registry = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? bare.slice(slash + 1) : bare;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository))
    throw new ConfigError(`${where}: '${image}' is not an image name Docker accepts (lower-case [registry/]path/name, no tag)`);
  const mirror = environment[`SLIPWAY_REGISTRY_${envVarHost(registry)}_MIRROR`]?.trim();
  const api = mirror || (registry === DOCKER_HUB ? 'registry-1.docker.io' : registry);
  const endpoint = endpointOf(api);
  const named = `${registry}/${repository}`;
  return { registry, repository, endpoint, description: mirror ? `${named} (mirror ${endpoint})` : named };
}

/** The registry the credentials of a mirrored image are looked up for: the mirror's host, else the registry. */
export function credentialHost(ref: ImageRef): string {
  const host = new URL(ref.endpoint).host;
  return host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}
