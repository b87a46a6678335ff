/**
 * Every route the server serves. Adding an endpoint: write `routes/<resource>.ts` exporting
 * `routes`, list it here, then regenerate `openapi-subset.json` (see extract-openapi.ts): the
 * server refuses to start when a route has no operation in the subset.
 */
import type { RouteDef } from '../router.js';
import { routes as branchProtection } from './branch-protection.js';
import { routes as commits } from './commits.js';
import { routes as contents } from './contents.js';
import { routes as deployKeys } from './deploy-keys.js';
import { routes as gitBlobs } from './git-blobs.js';
import { routes as gitCommits } from './git-commits.js';
import { routes as gitRefs } from './git-refs.js';
import { routes as gitTrees } from './git-trees.js';
import { routes as pulls } from './pulls.js';
import { routes as repos } from './repos.js';
import { routes as topics } from './topics.js';
import { routes as users } from './users.js';

export const allRoutes: readonly RouteDef[] = [
  ...users,
  ...repos,
  ...topics,
  ...deployKeys,
  ...gitRefs,
  ...gitCommits,
  ...gitTrees,
  ...gitBlobs,
  ...branchProtection,
  ...commits,
  ...pulls,
  ...contents,
];
