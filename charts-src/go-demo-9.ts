import { ConfigMap } from 'cdk8s-plus-33';
import { defineApp } from 'slipway';

/** The book's demo API, written in Go; it keeps data in PostgreSQL. */
export default defineApp({
  name: 'go-demo-9',
  description: 'Demo API of The DevOps Toolkit',
  image: 'vfarcic/go-demo-9',
  appVersion: '0.0.1',
  port: 8080,
  probePath: '/demo/hello',
  ingress: { className: 'nginx', tls: { clusterIssuer: 'letsencrypt' } },
  env: {
    DB_ENDPOINT: 'go-demo-9-db',
    DB_PORT: '5432',
    DB_USER: 'postgres',
    DB_NAME: 'go-demo-9',
    // A reference only: the Secret is created in the cluster, its value never reaches Git.
    DB_PASS: { secret: 'go-demo-9-db', key: 'password' },
  },
  // The image declares no USER; the static binary needs no root, so run it as an unprivileged UID.
  security: { runAsUser: 65532 },
  writablePaths: ['/tmp'],
  // Escape hatch: any cdk8s construct. A greeting template whose {{name}} must reach the pod as is.
  extend: (scope) => {
    new ConfigMap(scope, 'messages', {
      data: { 'greeting.tmpl': 'Hello, {{name}}!' },
    });
  },
});
