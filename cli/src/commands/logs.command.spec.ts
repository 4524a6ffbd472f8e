import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { ferry } from '../../test/cli-fixture';

describe('ferry logs', () => {
  const dir = tempDir('ferry-logs-');
  const line = (fields: Record<string, string>) => JSON.stringify(fields);

  beforeAll(() => {
    mkdirSync(join(dir.path, '.ferry', 'logs'), { recursive: true });
    writeFileSync(
      join(dir.path, '.ferry', 'logs', 'reconciler.log'),
      [
        line({ level: 'info', ts: '2026-01-01T00:00:02.000Z', logger: 'reconciler', msg: 'Kustomization applied in 1.2s', controllerKind: 'Kustomization', name: 'apps', namespace: 'flux-system' }),
        line({ level: 'error', ts: '2026-01-01T00:00:04.000Z', logger: 'reconciler', msg: 'health check failed', controllerKind: 'Kustomization', name: 'infra', namespace: 'flux-system' }),
        line({ level: 'info', ts: '2026-01-01T00:00:05.000Z', logger: 'reconciler', msg: 'applied', controllerKind: 'Kustomization', name: 'apps', namespace: 'team' }),
        'not json',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir.path, '.ferry', 'logs', 'source.log'),
      `${line({ level: 'info', ts: '2026-01-01T00:00:01.000Z', logger: 'source', msg: "stored artifact for revision 'main@sha1:abc'", controllerKind: 'GitRepository', name: 'apps', namespace: 'flux-system' })}\n`,
    );
  });

  afterAll(() => dir.remove());

  it('merges every service log in time order, in Flux\'s line format, for the namespace', async () => {
    const result = await ferry(['logs'], {}, dir.path);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      "2026-01-01T00:00:01.000Z info GitRepository/apps.flux-system - stored artifact for revision 'main@sha1:abc'",
      '2026-01-01T00:00:02.000Z info Kustomization/apps.flux-system - Kustomization applied in 1.2s',
      '2026-01-01T00:00:04.000Z error Kustomization/infra.flux-system - health check failed',
    ]);
  });

  it('filters by kind, name, level, namespace and time, and keeps the last lines with --tail', async () => {
    const kind = await ferry(['logs', '--kind', 'kustomization', '--name', 'apps', '-A'], {}, dir.path);
    expect(kind.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await ferry(['logs', '--level', 'error'], {}, dir.path)).stdout).toContain('health check failed');
    expect((await ferry(['logs', '--level', 'error'], {}, dir.path)).stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect((await ferry(['logs', '-A', '--since', '2026-01-01T00:00:04Z'], {}, dir.path)).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await ferry(['logs', '--tail', '1'], {}, dir.path)).stdout).toBe('2026-01-01T00:00:04.000Z error Kustomization/infra.flux-system - health check failed\n');
  });

  it('fails clearly without logs or with a bad flag', async () => {
    const missing = await ferry(['logs', '--log-dir', join(dir.path, 'nowhere')], {}, dir.path);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`✗ no logs at ${join(dir.path, 'nowhere')}`);
    const tail = await ferry(['logs', '--tail', 'x'], {}, dir.path);
    expect(tail.code).toBe(1);
    expect(tail.stderr).toContain('✗ invalid --tail "x"');
  });
});
