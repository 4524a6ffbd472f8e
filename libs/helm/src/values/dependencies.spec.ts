import type { Chart } from '../chart/chart';
import { loadChartFiles } from '../chart/load-chart';
import { coalesceValues } from './coalesce';
import { processDependencies } from './dependencies';

function chart(chartYaml: string, values = '', dependencies: Chart[] = []): Chart {
  return { ...loadChartFiles({ 'Chart.yaml': chartYaml, 'values.yaml': values }), dependencies };
}

const database = chart('apiVersion: v2\nname: database\nversion: 1.2.0\n', 'exports:\n  conn:\n    port: 5432\n    host: db\nsize: small\n');
const cache = chart('apiVersion: v2\nname: cache\nversion: 2.0.0\n', 'memory: 64Mi\n');
const monitoring = chart('apiVersion: v2\nname: monitoring\nversion: 0.3.0\n', 'scrape: true\n');

const app = chart(
  `apiVersion: v2
name: app
version: 1.0.0
dependencies:
  - name: database
    version: ~1.2.0
    condition: database.enabled,global.database.enabled
    import-values: [conn]
  - name: cache
    version: ">=2"
    alias: redis
    tags: [caching]
  - name: monitoring
    version: 0.3.0
    condition: monitoring.enabled
    tags: [observability]
`,
  'database:\n  enabled: true\nmonitoring:\n  enabled: false\ntags:\n  caching: true\n',
  [database, cache, monitoring],
);

const names = (c: Chart): string[] => c.dependencies.map((d) => d.metadata.name);

describe('processDependencies', () => {
  it('applies aliases and drops subcharts disabled by their condition', () => {
    const processed = processDependencies(app, {});
    expect(names(processed)).toEqual(['database', 'redis']);
    expect(processed.metadata.dependencies?.map((d) => [d.name, d.enabled])).toEqual([
      ['database', true],
      ['redis', true],
    ]);
    expect(names(app)).toEqual(['database', 'cache', 'monitoring']);
  });

  it('takes the first condition path that holds a boolean', () => {
    expect(names(processDependencies(app, { database: { enabled: 'yes' }, global: { database: { enabled: false } } }))).toEqual(['redis']);
    expect(names(processDependencies(app, { database: { enabled: false }, global: { database: { enabled: true } } }))).toEqual(['redis']);
  });

  it('disables by tags only when no tag is true, and conditions win over tags', () => {
    expect(names(processDependencies(app, { tags: { caching: false } }))).toEqual(['database']);
    expect(names(processDependencies(app, { tags: { observability: true }, monitoring: { enabled: true } }))).toEqual(['database', 'redis', 'monitoring']);
    expect(names(processDependencies(app, { tags: { observability: true } }))).toEqual(['database', 'redis']);
  });

  it('imports the contents of a child export into the top of the parent values', () => {
    const processed = processDependencies(app, {});
    expect(processed.values).toMatchObject({ port: 5432, host: 'db' });
  });

  it('imports a child table to a parent path, under the values the parent sets itself', () => {
    const overriding = chart(
      'apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n  - name: database\n    import-values:\n      - child: exports.conn\n        parent: db.connection\n',
      'db:\n  connection:\n    host: override\n',
      [database],
    );
    const values = coalesceValues(processDependencies(overriding, {}), {});
    expect(values['db']).toEqual({ connection: { host: 'override', port: 5432 } });
  });

  it('scopes subchart values under the alias', () => {
    const processed = processDependencies(app, {});
    const values = coalesceValues(processed, { redis: { memory: '1Gi' } });
    expect(values['redis']).toEqual({ memory: '1Gi', global: {} });
  });
});
