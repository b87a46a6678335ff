import { defineApp } from '../generators/index.js';

/** The DevOps Paradox podcast site: static pages served by nginx. */
export default defineApp({
  name: 'devops-paradox',
  description: 'The DevOps Paradox podcast site',
  image: 'vfarcic/devops-paradox',
  appVersion: '1.71',
  port: 80,
  replicas: 1,
  resources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '100m', memory: '128Mi' },
  },
  // Relaxed on purpose, as devops-toolkit: stock nginx runs as root on :80 and writes under /var.
  security: { runAsNonRoot: false, readOnlyRootFilesystem: false, addCapabilities: ['NET_BIND_SERVICE'] },
});
