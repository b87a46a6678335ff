import { defineApp, Delivery } from '../generators/index.js';

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
  // Relaxed on purpose, as devops-toolkit: stock nginx runs as root on :80 and writes under /var.
  security: { runAsNonRoot: false, readOnlyRootFilesystem: false, addCapabilities: ['NET_BIND_SERVICE'] },
});
