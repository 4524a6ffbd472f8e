import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  causedBy,
  newEvent,
  type AppliedV1,
  type ArtifactReadyV1,
  type FailedV1,
  type ReconcileFinishedV1,
  type RawEnvelope,
  type ReconcileRequestedV1,
} from '@ferry/contracts';
import { openEventStoreDatabase, parseDatabaseUrl, TypeOrmEventStore } from '@ferry/event-store';
import { tempDir, testDatabase } from '@ferry/testing';
import { ferry } from '../../test/cli-fixture';

const sha = (digit: string) => `main@sha1:${digit.repeat(40)}`;
const apps = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };
const repo = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'apps' };
const other = { ...apps, namespace: 'team-a', name: 'web' };

describe('ferry events and ferry history', () => {
  const dir = tempDir('ferry-events-');
  const path = join(dir.path, 'reconciler.db');
  const url = `sqlite:${path}`;
  const at = (second: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, second));

  beforeAll(async () => {
    const dataSource = await openEventStoreDatabase({ type: 'sqlite', path });
    const store = new TypeOrmEventStore(dataSource);
    const artifact = newEvent<ArtifactReadyV1>(
      { type: 'ArtifactReady', schemaVersion: 1, source: repo, revision: sha('a'), digest: `sha256:${'1'.repeat(64)}`, url: 'http://source.flux-system.svc/a.tar.gz', size: 10 },
      undefined,
      at(1),
    );
    const applied = newEvent<AppliedV1>(
      {
        type: 'Applied', schemaVersion: 1, object: { ...apps, kind: 'Kustomization' }, revision: sha('a'), durationMs: 1500,
        changeSet: [
          { id: 'Namespace/web', action: 'unchanged' },
          { id: 'Deployment/web/web', action: 'created' },
          { id: 'ConfigMap/web/old', action: 'deleted' },
        ],
      },
      causedBy(artifact),
      at(2),
    );
    const finished = newEvent<ReconcileFinishedV1>(
      { type: 'ReconcileFinished', schemaVersion: 1, object: apps, revision: sha('a'), outcome: 'succeeded', reason: 'ReconciliationSucceeded', message: `Applied revision: ${sha('a')}`, durationMs: 1500 },
      causedBy(applied),
      at(3),
    );
    const requested = newEvent<ReconcileRequestedV1>(
      { type: 'ReconcileRequested', schemaVersion: 1, object: apps, reason: 'cli', requestedAt: at(4).toISOString() },
      undefined,
      at(4),
    );
    const failed = newEvent<FailedV1>(
      { type: 'Failed', schemaVersion: 1, object: apps, revision: sha('b'), reason: 'HealthCheckFailed', message: 'Deployment/web/web not ready', stage: 'health', terminal: false },
      causedBy(requested),
      at(5),
    );
    const failedFinish = newEvent<ReconcileFinishedV1>(
      { type: 'ReconcileFinished', schemaVersion: 1, object: apps, revision: sha('b'), outcome: 'failed', reason: 'HealthCheckFailed', message: 'Deployment/web/web not ready', durationMs: 30_000 },
      causedBy(failed),
      at(6),
    );
    const elsewhere = newEvent<ReconcileFinishedV1>(
      { type: 'ReconcileFinished', schemaVersion: 1, object: other, revision: null, outcome: 'suspended', reason: 'Suspended', message: '', durationMs: 0 },
      undefined,
      at(7),
    );
    await store.append('GitRepository/flux-system/apps', [artifact], 'any');
    await store.append('Kustomization/flux-system/apps', [applied, finished, requested, failed, failedFinish], 'any');
    await store.append('Kustomization/team-a/web', [elsewhere], 'any');
    await dataSource.destroy();
  });
  afterAll(() => dir.remove());

  it('lists the events of the namespace in Flux columns, oldest first', async () => {
    const r = await ferry(['events', '--database-url', url]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((line) => line.replace(/\t$/, '').split('\t').map((cell) => cell.trim()));
    expect(rows).toEqual([
      ['TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ['2026-11-30T12:00:01.000Z', 'Normal', 'NewArtifact', 'GitRepository/apps', `stored artifact for revision '${sha('a')}'`],
      ['2026-11-30T12:00:02.000Z', 'Normal', 'ReconciliationSucceeded', 'Kustomization/apps', `Applied revision: ${sha('a')} (1 unchanged, 1 created, 1 deleted)`],
      ['2026-11-30T12:00:03.000Z', 'Normal', 'ReconciliationSucceeded', 'Kustomization/apps', `Reconciliation succeeded in 1.5s: Applied revision: ${sha('a')}`],
      ['2026-11-30T12:00:04.000Z', 'Normal', 'ReconcileRequested', 'Kustomization/apps', 'reconcile requested by cli at 2026-11-30T12:00:04.000Z'],
      ['2026-11-30T12:00:05.000Z', 'Warning', 'HealthCheckFailed', 'Kustomization/apps', 'health failed: Deployment/web/web not ready'],
      ['2026-11-30T12:00:06.000Z', 'Warning', 'HealthCheckFailed', 'Kustomization/apps', 'Reconciliation failed in 30s: Deployment/web/web not ready'],
    ]);
  });

  it('filters with --for, reads DATABASE_URL, and spans namespaces with -A', async () => {
    const only = await ferry(['events', '--for', 'GitRepository/apps'], { ...process.env, DATABASE_URL: url });
    expect(only.stdout.trimEnd().split('\n')).toHaveLength(2);
    const all = await ferry(['events', '-A', '--database-url', url]);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+TIME/);
    expect(all.stdout).toMatch(/team-a\s+2026-11-30T12:00:07.000Z\s+Normal\s+Suspended\s+Kustomization\/web/);
    const none = await ferry(['events', '-n', 'nowhere', '--database-url', url]);
    expect(none.lines).toEqual(['✗ no events found in nowhere namespace']);
  });

  it('shows each reconcile with revision, duration, outcome and its change set', async () => {
    const r = await ferry(['history', 'Kustomization/apps', '--database-url', url]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/\t$/, '').split('\t').map((cell) => cell.trim()))).toEqual([
      ['TIME', 'REVISION', 'DURATION', 'OUTCOME', 'REASON', 'MESSAGE'],
      ['2026-11-30T12:00:03.000Z', sha('a'), '1.5s', 'succeeded', 'ReconciliationSucceeded', `Applied revision: ${sha('a')}`],
      ['✚ Deployment/web/web created'],
      ['✗ ConfigMap/web/old deleted'],
      ['2026-11-30T12:00:06.000Z', sha('b'), '30s', 'failed', 'HealthCheckFailed', 'Deployment/web/web not ready'],
    ]);
    expect(lines[2]).toBe('  ✚ Deployment/web/web created');
  });

  it('merges every .ferry/*.db store by default, and says when there is none', async () => {
    const work = join(dir.path, 'work');
    mkdirSync(join(work, '.ferry'), { recursive: true });
    const append = async (file: string, stream: string, events: RawEnvelope[]) => {
      const dataSource = await openEventStoreDatabase({ type: 'sqlite', path: join(work, '.ferry', file) });
      await new TypeOrmEventStore(dataSource).append(stream, events, 'any');
      await dataSource.destroy();
    };
    await append('source.db', 'GitRepository/flux-system/apps', [
      newEvent<ArtifactReadyV1>({ type: 'ArtifactReady', schemaVersion: 1, source: repo, revision: sha('c'), digest: `sha256:${'2'.repeat(64)}`, url: 'http://source/c.tar.gz', size: 1 }, undefined, at(20)),
    ]);
    await append('reconciler.db', 'Kustomization/flux-system/apps', [
      newEvent<ReconcileFinishedV1>({ type: 'ReconcileFinished', schemaVersion: 1, object: apps, revision: sha('c'), outcome: 'unchanged', reason: 'ReconciliationSucceeded', message: '', durationMs: 20 }, undefined, at(21)),
    ]);
    const env = { ...process.env, DATABASE_URL: undefined };
    const r = await ferry(['events'], env, work);
    expect(r.code).toBe(0);
    const objects = r.stdout.trimEnd().split('\n').slice(1).map((line) => line.split('\t')[3]?.trim());
    expect(objects).toEqual(['GitRepository/apps', 'Kustomization/apps']);

    const none = await ferry(['events'], env, join(dir.path, 'empty'));
    expect(none.code).toBe(1);
    expect(none.lines).toEqual([`✗ no event store found: set --database-url or DATABASE_URL, or run where ${join(dir.path, 'empty', '.ferry')}/*.db exists`]);
  });

  it('fails naming the object when it has no history, and the store when it does not exist', async () => {
    const none = await ferry(['history', 'Kustomization/nope', '--database-url', url]);
    expect(none.code).toBe(1);
    expect(none.lines).toEqual(['✗ no reconcile history for Kustomization/flux-system/nope']);
    const missing = await ferry(['history', 'Kustomization/apps', '--database-url', `sqlite:${join(dir.path, 'missing.db')}`]);
    expect(missing.code).toBe(1);
    expect(missing.lines).toEqual([`✗ event store ${join(dir.path, 'missing.db')} does not exist`]);
    const bad = await ferry(['history', 'apps', '--database-url', url]);
    expect(bad.lines).toEqual(['✗ invalid <kind/name> "apps": expected <kind>/<name>']);
  });
});

describe('ferry history on PostgreSQL', () => {
  const database = testDatabase('postgres');
  afterAll(() => database.drop());

  it('reads the store named by DATABASE_URL', async () => {
    const dataSource = await openEventStoreDatabase(parseDatabaseUrl(database.url));
    await new TypeOrmEventStore(dataSource).append('Kustomization/flux-system/apps', [
      newEvent<ReconcileFinishedV1>(
        { type: 'ReconcileFinished', schemaVersion: 1, object: apps, revision: sha('d'), outcome: 'succeeded', reason: 'ReconciliationSucceeded', message: 'ok', durationMs: 250 },
        undefined,
        new Date(Date.UTC(2026, 10, 30, 13)),
      ),
    ], 'any');
    await dataSource.destroy();
    const r = await ferry(['history', 'Kustomization/apps'], { ...process.env, DATABASE_URL: database.url });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]?.replace(/\t$/, '').split('\t').map((cell) => cell.trim())).toEqual([
      '2026-11-30T13:00:00.000Z', sha('d'), '250ms', 'succeeded', 'ReconciliationSucceeded', 'ok',
    ]);
  });
});
