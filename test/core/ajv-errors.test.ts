/**
 * foldAjvErrors, the one place ajv's errors are folded for env files and generated objects alike:
 * a table of schemas and values, validated by a real ajv, and what is left to word.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { foldAjvErrors, formatPath, pointerToSegments, type AjvLikeError } from '../../src/core/ajv-errors.js';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });

const SCHEMA = {
  definitions: { component: { enum: ['istio', 'loki'] } },
  type: 'object',
  properties: {
    port: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[a-z]+$' }] },
    platform: {
      type: 'array',
      items: {
        oneOf: [
          { $ref: '#/definitions/component' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['component'],
            properties: { component: { $ref: '#/definitions/component' }, version: { type: 'string', pattern: '^v?[0-9.]+$' } },
          },
        ],
      },
    },
    env: { type: 'object', propertyNames: { pattern: '^[A-Z_]+$' } },
  },
};
const validate = ajv.compile(SCHEMA);

/** What is left after folding, as `kind path keyword [alternatives]`. */
function folded(data: unknown): string[] {
  expect(validate(data)).toBe(false);
  return foldAjvErrors(validate.errors as AjvLikeError[]).map((f) => {
    const at = formatPath(pointerToSegments(f.error.instancePath, data));
    return f.kind === 'combinator'
      ? `combinator ${at} ${f.error.keyword} [${f.alternatives
          .map((a) => a.keyword)
          .sort()
          .join(' ')}]`
      : `single ${at} ${f.error.keyword}`;
  });
}

describe('foldAjvErrors', () => {
  it.each([
    ['a value no alternative accepts: one problem, its alternatives folded in', { port: true }, ['combinator port oneOf [type type]']],
    [
      "an alternative by $ref (the definition's schema path) is still one of them",
      { platform: ['flux'] },
      ['combinator platform[0] oneOf [enum type]'],
    ],
    [
      'a value that took an alternative and failed inside it: the inner problem, not the oneOf',
      { platform: [{ component: 'istio', version: '^1' }] },
      ['single platform[0].version pattern'],
    ],
    [
      'several problems, each once, in the order ajv found them',
      { port: 1.5, platform: ['flux'] },
      ['combinator port oneOf [type type]', 'combinator platform[0] oneOf [enum type]'],
    ],
    ['propertyNames: only the error about the key itself', { env: { bad: '1' } }, ['single env pattern']],
  ] as const)('%s', (_name, data, expected) => {
    expect(folded(data)).toEqual(expected);
  });
});
