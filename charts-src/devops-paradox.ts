import { defineApp, Delivery, Security } from 'slipway';

/**
 * The DevOps Paradox podcast site: static pages served by nginx, run serverless on Knative as in
 * the book's self-managed CaaS chapter: scale to zero when idle, at most 3 pods, 100 concurrent
 * requests per pod.
 */
export default defineApp({
  name: 'devops-paradox',
  description: 'The DevOps Paradox podcast site',
  image: 'vfarcic/devops-paradox',
  appVersion: '1.71',
  port: 80,
  delivery: Delivery.knative({ minScale: 0, maxScale: 3, containerConcurrency: 100 }),
  resources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '100m', memory: '128Mi' },
  },
  // Relaxed on purpose: the image is stock nginx. Its master starts as root to bind :80 (NET_BIND_SERVICE),
  // chowns its temp dirs under /var/cache/nginx (CHOWN) and switches its workers to the nginx user
  // (SETGID, SETUID); without any of the four it exits at start-up. It also writes its pid and cache
  // files under /var. Moving to nginx-unprivileged would let the app keep the restricted defaults.
  security: Security.stockNginx(),
});
