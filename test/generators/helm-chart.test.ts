/**
 * renderChart keeps each definition's chart (a promotion renders its env twice); what it hands out
 * must be the chart of the definition as it reads now, and a copy the caller may change.
 */
import { describe, expect, it } from 'vitest';
import { defineApp } from '../../generators/app-definition.js';
import { renderChart } from '../../generators/helm-chart.js';

describe('renderChart', () => {
  it('renders again a definition changed in place, and hands out copies', () => {
    const app = defineApp({ name: 'web', image: 'example/web', port: 8080, probePath: '/', replicas: 2 });
    const first = renderChart(app);
    expect(first.get('values.yaml')).toMatch(/replicaCount: 2\n/);
    first.delete('values.yaml');
    expect(renderChart(app).get('values.yaml')).toMatch(/replicaCount: 2\n/);
    (app as { replicas: number }).replicas = 3;
    const changed = renderChart(app);
    expect(changed.get('values.yaml')).toMatch(/replicaCount: 3\n/);
    expect(changed.get('values.yaml')).not.toMatch(/replicaCount: 2\n/);
  });
});
