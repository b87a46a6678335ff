import { defineApp, Delivery, Security } from 'slipway';

/**
 * The book's DevOps Toolkit site: static pages served by nginx, released as a canary (Argo
 * Rollouts + Istio) with Prometheus analysis: the book's automated steps 10% → 2m → 30% → 30s →
 * 50% → 30s, analysis from step 2, abort after 3 failed measurements. Environments may change
 * the steps (staging: short timed pauses, no analysis).
 */
export default defineApp({
  name: 'devops-toolkit',
  description: 'The DevOps Toolkit site',
  image: 'vfarcic/devops-toolkit-series',
  appVersion: '2.9.17',
  port: 80,
  probePath: '/',
  resources: {
    requests: { cpu: '80m', memory: '128Mi' },
    limits: { cpu: '100m', memory: '256Mi' },
  },
  autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 80 },
  delivery: Delivery.canary({ analysis: { successRate: 0.99, maxLatencyMs: 1000 } }),
  // Relaxed on purpose: the image is stock nginx. Its master starts as root to bind :80 (NET_BIND_SERVICE),
  // chowns its temp dirs under /var/cache/nginx (CHOWN) and switches its workers to the nginx user
  // (SETGID, SETUID); without any of the four it exits at start-up. It also writes its pid and cache
  // files under /var. Moving to nginx-unprivileged would let the app keep the restricted defaults.
  security: Security.stockNginx(),
});
