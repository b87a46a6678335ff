/**
 * What an env file may override of a Knative Service (`apps.<app>.delivery.knative`): the
 * definition this kind contributes to `envs/env.schema.json`. Rules across fields (minScale not
 * above maxScale, cpu and memory only without scale to zero, traffic adding up to 100) are
 * `checkKnative` in props.ts.
 */
import type { EnvOverrideSchema } from '../delivery-kind.js';
import { KNATIVE_METRICS, trafficTargetSchema } from './props.js';

export const KNATIVE_ENV_OVERRIDE: EnvOverrideSchema = {
  definitions: {
    knative: {
      description: "Knative Service settings over the app's: revision autoscaling and traffic split.",
      type: 'object',
      additionalProperties: false,
      properties: {
        minScale: {
          description: 'Fewest pods; 0 scales to zero.',
          type: 'integer',
          minimum: 0,
          maximum: 1000,
        },
        maxScale: {
          description: 'Most pods; 0 means no limit.',
          type: 'integer',
          minimum: 0,
          maximum: 1000,
        },
        containerConcurrency: {
          description: 'Requests one pod serves at once; 0 means no limit.',
          type: 'integer',
          minimum: 0,
        },
        target: {
          description: 'Scaling target per pod for the metric.',
          type: 'number',
          exclusiveMinimum: 0,
        },
        metric: {
          description: "cpu and memory use Knative's HPA class, which cannot scale to zero.",
          enum: [...KNATIVE_METRICS],
        },
        timeoutSeconds: { type: 'integer', minimum: 1 },
        traffic: {
          description: 'Split between revisions: latestRevision or revisionName, percent (adding up to 100), optional tag.',
          type: 'array',
          items: trafficTargetSchema({ $ref: '#/definitions/appName' }),
        },
      },
    },
  },
};
