/**
 * What an env file may override of a canary (`apps.<app>.delivery.canary`): the definitions this
 * kind contributes to `envs/env.schema.json`, and the loader's words for their errors. The
 * run-time rules the schema cannot say (weights only increase, startingStep within the steps)
 * are `checkCanarySteps` and `checkCanaryAnalysis` in props.ts.
 */
import type { EnvOverrideSchema } from '../delivery-kind.js';

export const CANARY_ENV_OVERRIDE: EnvOverrideSchema = {
  definitions: {
    canary: {
      type: 'object',
      additionalProperties: false,
      properties: {
        steps: {
          description:
            'Argo Rollouts canary steps: setWeight (0-100) and pause ({} waits for a person; duration: seconds, or a number with s/m/h).',
          type: 'array',
          minItems: 1,
          items: { $ref: '#/definitions/canaryStep' },
        },
        analysis: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            successRate: { type: 'number', minimum: 0, maximum: 1 },
            maxLatencyMs: { type: 'number', exclusiveMinimum: 0 },
            interval: { $ref: '#/definitions/duration' },
            failureLimit: { type: 'integer', minimum: 0 },
            startingStep: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    canaryStep: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        setWeight: { type: 'integer', minimum: 0, maximum: 100 },
        pause: {
          type: 'object',
          additionalProperties: false,
          properties: { duration: { $ref: '#/definitions/duration' } },
        },
      },
    },
    duration: {
      oneOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^[0-9]+(s|m|h)?$' },
      ],
    },
  },
  messages: [
    [/definitions\/duration\/oneOf$/, 'is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)'],
    [/^(minProperties|maxProperties) \/apps\/[^/]+\/delivery\/canary\/steps\/\d+$/, 'a step is exactly one of setWeight or pause'],
  ],
};
