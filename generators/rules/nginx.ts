/**
 * What a stock nginx image (`FROM nginx:*`, `nginx:*-alpine`) needs to start in a container that
 * drops ALL capabilities: its master process runs as root, and root without capabilities can
 * do little.
 *
 * - NET_BIND_SERVICE: the master binds port 80 (`listen 80` in the image's default.conf).
 * - CHOWN: at start-up the master creates its temp paths (client_body_temp, proxy_temp, ... under
 *   /var/cache/nginx) and chowns them to the worker user (nginx src/core/ngx_file.c,
 *   `ngx_create_paths`: `chown(path, user, -1)` when `geteuid() == 0`).
 * - SETGID, SETUID: each worker drops to `user nginx` (src/os/unix/ngx_process_cycle.c,
 *   `ngx_worker_process_init`: `setgid()`, `initgroups()`, `setuid()` when `geteuid() == 0`);
 *   a failure is fatal ("setgid(101) failed (1: Operation not permitted)") and the worker exits.
 *
 * The image also writes its pid file and caches under /var, so the root filesystem stays
 * writable. An nginx-unprivileged image needs none of this.
 */
export const STOCK_NGINX_CAPABILITIES = ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] as const;

/** The capabilities a container running stock nginx lacks (none: it can start). */
export function missingNginxCapabilities(container: { securityContext?: { capabilities?: { drop?: readonly string[]; add?: readonly string[] } } }): string[] {
  const caps = container.securityContext?.capabilities;
  if (!caps?.drop?.includes('ALL')) return []; // the runtime's default set includes all four
  return STOCK_NGINX_CAPABILITIES.filter((c) => !(caps.add ?? []).includes(c));
}
