import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { packageFile } from '../../src/core/package-root.js';
import { collectCoreFieldTables } from '../../src/validate/core-schemas.js';

describe('unknown-field tables of built-in kinds', () => {
  const tables = collectCoreFieldTables();

  it('reach from each kind through every nested type', () => {
    expect(tables['V1Deployment']).toMatchObject({ apiVersion: 'string', spec: 'V1DeploymentSpec' });
    // Deployment -> spec -> template -> spec -> containers[] -> securityContext -> capabilities
    expect(tables['V1Capabilities']).toEqual({ add: 'Array<string>', drop: 'Array<string>' });
    expect(tables['V1Container']?.['ports']).toBe('Array<V1ContainerPort>');
    expect(tables['V1ContainerPort']).toHaveProperty('containerPort', 'number');
  });

  // npm test and npm ci build first; a bare `vitest run` in a checkout may not have dist/.
  const built = packageFile('dist/core-fields.json');
  it.skipIf(!existsSync(built))('are what the build wrote to dist/core-fields.json (an installed slipway has no client-node)', () => {
    expect(JSON.parse(readFileSync(built, 'utf8'))).toEqual(tables);
  });
});
