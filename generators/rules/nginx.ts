/**
 * What a stock nginx image (`FROM nginx:*`, `nginx:*-alpine`) needs to start in a container that
 * drops ALL capabilities: its master process runs as root, and root without capabilities can
 * do little.
 *
 * - NET_BIND_SERVICE: the master binds port 80 (`listen 80` in the image's default.conf).
 * - CHOWN: at start-up the master creates its temp paths (client_body_temp, proxy_temp, ... under
 *   /var/cache/nginx) and chowns each one not already owned by the worker user to it (nginx
 *   src/core/ngx_file.c, `ngx_create_paths`; the worker user is set only when the master runs as
 *   root, src/core/nginx.c `ngx_core_module_init_conf`); a failed chown stops start-up.
 * - SETGID, SETUID: each worker drops to `user nginx` (src/os/unix/ngx_process_cycle.c,
 *   `ngx_worker_process_init`, under `geteuid() == 0`): "setgid(101) failed" and "setuid(101)
 *   failed" are fatal, the worker exits with code 2.
 *
 * Read at nginx release-1.31.4 (the same code in 1.27.5 and 1.29.8).
 *
 * The image also writes its pid file and caches under /var, so the root filesystem stays
 * writable. An nginx-unprivileged image needs none of this.
 */
export const STOCK_NGINX_CAPABILITIES = ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] as const;

/** The capabilities a container running stock nginx lacks (none: it can start). */
export function missingNginxCapabilities(container: {
  securityContext?: { capabilities?: { drop?: readonly string[]; add?: readonly string[] } };
}): string[] {
  const caps = container.securityContext?.capabilities;
  if (!caps?.drop?.includes('ALL')) return []; // the runtime's default set includes all four
  return STOCK_NGINX_CAPABILITIES.filter((c) => !(caps.add ?? []).includes(c));
}
