/**
 * Step `route`: where the commit goes and in whose name: the env repo, directly or on a
 * promotion branch for review (`--direct` past review is audited: trailer and warning), the
 * actor and author, the platform repo's commit it comes from. After the gate, so a refused
 * promotion reports the refusal before anything about the env repo's own remote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capability } from '../../core/remote-capabilities.js';
import { remoteFor } from '../../publish/remotes.js';
import { sourceCommit } from '../../publish/source-commit.js';
import { envRepoAuthor, gitIdentities, resolveActor } from '../identity.js';
import { isBundle, need, type Move, type PromotionContext } from './context.js';
import { succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function route(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, envFile, remoteContext, envRepo } = need(c.resolved, 'resolve');
  const remote = envRepo?.remote ?? remoteFor(env, remoteContext);
  // --direct: past review in an env that takes promotions through it, audited (trailer, warning).
  const bypass = o.direct === true && env.promotion === 'pr';
  const usePr = !o.direct && (o.pr ?? env.promotion === 'pr');
  // A remote that cannot take changes through review says so now, before anything is pushed.
  if (usePr) capability(remote, 'pullRequests');
  const warnings = bypass
    ? [
        `${o.env} takes promotions through review (promotion: pr); --direct commits straight to ${env.repo.branch}, bypassing it: ${o.reason!.trim()}`,
      ]
    : [];
  const verb = o.rollback ? 'rollback' : 'promote';
  const title = (moves: readonly Move[], from: (app: string) => string | undefined) => {
    const step = (m: Move) => `${m.app} ${from(m.app) ?? 'none'} → ${m.tag}`;
    return isBundle(moves)
      ? `${verb} ${moves.length} apps (${o.env}): ${moves.map(step).join(', ')}`
      : `${verb} ${step(moves[0]!)} (${o.env})`;
  };
  const source = await sourceCommit(o.root);
  const identities = await gitIdentities(o.root, o.environment);
  const actor = resolveActor({ flag: o.actor, environment: o.environment, identity: identities.author });
  const author = envRepoAuthor(o.environment, identities.author);
  const envText = readFileSync(join(o.root, envFile), 'utf8');
  c.routed = { remote, bypass, usePr, warnings, title, source, actor, author, envText };
  return succeeded(`${usePr ? 'for review' : 'directly'} to ${remote.description}`);
}

export const routeStep: Step<PromotionContext> = { kind: 'route', run: route };
