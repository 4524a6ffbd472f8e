import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ferryEvents, newEvent, type FailedV1, type ReconcileRequestedV1, type RawEnvelope } from '@ferry/contracts';
import { testDatabase, type TestDatabase } from '@ferry/testing';
import { ConcurrencyError, type StoredEvent } from './event-store.port';
import { openEventStoreDatabase, parseDatabaseUrl } from './data-source';
import { Inbox } from './inbox';
import { OutboxRelay } from './outbox-relay';
import { ProjectionRunner, type Projection } from './projection-runner';
import { TypeOrmEventStore } from './typeorm-event-store';
import { placeholder } from './transactions';

const requested = (name: string): ReconcileRequestedV1 =>
  newEvent<ReconcileRequestedV1>({
    type: 'ReconcileRequested',
    schemaVersion: 1,
    object: { kind: 'Kustomization', namespace: 'flux-system', name },
    reason: 'cli',
    requestedAt: new Date().toISOString(),
  });

/** Counts requests per object: a tiny read model for the projection tests. */
class RequestCountProjection implements Projection {
  readonly name = 'request-counts';
  constructor(private readonly table: string, private readonly dataSource: DataSource) {}

  async apply(stored: StoredEvent, manager: EntityManager): Promise<void> {
    const event = ferryEvents.decode(stored.event) as ReconcileRequestedV1;
    const p = placeholder(this.dataSource);
    await manager.query(
      `INSERT INTO ${this.table} (object, requests, last_position) VALUES (${p(1)}, 1, ${p(2)})
       ON CONFLICT (object) DO UPDATE SET requests = ${this.table}.requests + 1, last_position = excluded.last_position`,
      [event.object.name, stored.position],
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${this.table}`);
  }

  async rows(): Promise<Array<{ object: string; requests: number; last_position: number }>> {
    const rows: Array<{ object: string; requests: string | number; last_position: string | number }> =
      await this.dataSource.query(`SELECT object, requests, last_position FROM ${this.table} ORDER BY object`);
    return rows.map((r) => ({ object: r.object, requests: Number(r.requests), last_position: Number(r.last_position) }));
  }
}

describe.each(['postgres', 'sqlite'] as const)('event store on %s', (kind) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: TypeOrmEventStore;

  beforeEach(async () => {
    db = testDatabase(kind);
    dataSource = await openEventStoreDatabase(parseDatabaseUrl(db.url));
    store = new TypeOrmEventStore(dataSource, ferryEvents);
  });

  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('appends and reads a stream with versions and global positions', async () => {
    const first = await store.append('ks-a', [requested('a'), requested('a')], 'no-stream');
    expect(first.streamVersion).toBe(2);
    await store.append('ks-b', [requested('b')], 'no-stream');
    const third = await store.append('ks-a', [requested('a')], 2);
    expect(third.streamVersion).toBe(3);

    const stream = await store.readStream('ks-a');
    expect(stream.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(stream.every((e) => e.event.type === 'ReconcileRequested')).toBe(true);
    const all = await store.readAll(0, 100);
    expect(all.map((e) => e.streamId)).toEqual(['ks-a', 'ks-a', 'ks-b', 'ks-a']);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));
    expect(await store.readAll(all[1]!.position, 1)).toEqual([all[2]]);
    expect(await store.streamVersion('ks-a')).toBe(3);
    expect(await store.streamVersion('missing')).toBe(0);
  });

  it('rejects an append at a stale version with a typed error', async () => {
    await store.append('ks-a', [requested('a')], 'no-stream');
    await expect(store.append('ks-a', [requested('a')], 'no-stream')).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append('ks-a', [requested('a')], 5)).rejects.toThrow(/stream ks-a is at version 1, expected 5/);
    expect(await store.streamVersion('ks-a')).toBe(1);
  });

  it('lets exactly one of two concurrent appends at the same expected version win', async () => {
    await store.append('ks-a', [requested('a')], 'no-stream');
    // A second store on its own connection, as another process would have.
    const otherSource = await openEventStoreDatabase(parseDatabaseUrl(db.url));
    const other = new TypeOrmEventStore(otherSource, ferryEvents);
    try {
      const results = await Promise.allSettled([
        store.append('ks-a', [requested('a')], 1),
        other.append('ks-a', [requested('a')], 1),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.streamVersion('ks-a')).toBe(2);
    } finally {
      await otherSource.destroy();
    }
  });

  it('refuses invalid events before storing anything', async () => {
    const bad = { ...requested('a'), reason: 'boredom' } as unknown as RawEnvelope;
    await expect(store.appendBatch([{ streamId: 'x', events: [requested('x'), bad], expectedVersion: 'any' }])).rejects.toThrow(
      /field "reason"/,
    );
    expect(await store.readAll(0, 10)).toEqual([]);
  });

  it('appends a batch across streams all or nothing', async () => {
    await store.append('s2', [requested('s2')], 'no-stream');
    await expect(
      store.appendBatch([
        { streamId: 's1', events: [requested('s1')], expectedVersion: 'no-stream' },
        { streamId: 's2', events: [requested('s2')], expectedVersion: 'no-stream' },
      ]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('s1')).toBe(0);
  });

  it('appends a batch that names one stream twice in order, with each part\'s version and position', async () => {
    await store.append('s1', [requested('s1')], 'no-stream');
    const results = await store.appendBatch([
      { streamId: 's1', events: [requested('s1'), requested('s1')], expectedVersion: 1 },
      { streamId: 's2', events: [requested('s2')], expectedVersion: 'no-stream' },
      { streamId: 's1', events: [requested('s1')], expectedVersion: 3 },
      { streamId: 's3', events: [], expectedVersion: 'any' },
    ]);
    const all = await store.readAll(0, 100);
    const positionOf = (streamId: string, version: number) => all.find((e) => e.streamId === streamId && e.streamVersion === version)?.position;
    expect(results).toEqual([
      { streamVersion: 3, lastPosition: positionOf('s1', 3) },
      { streamVersion: 1, lastPosition: positionOf('s2', 1) },
      { streamVersion: 4, lastPosition: positionOf('s1', 4) },
      { streamVersion: 0, lastPosition: 0 },
    ]);
    expect((await store.readStream('s1')).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
  });

  it('reads several streams at once, each oldest first, with an empty list for a stream that does not exist', async () => {
    await store.appendBatch([
      { streamId: 'r1', events: [requested('r1'), requested('r1')], expectedVersion: 'no-stream' },
      { streamId: 'r2', events: [requested('r2')], expectedVersion: 'no-stream' },
    ]);
    const streams = await store.readStreams(['r2', 'missing', 'r1', 'r2']);
    expect([...streams.keys()]).toEqual(['r2', 'missing', 'r1']);
    expect(streams.get('r1')).toEqual(await store.readStream('r1'));
    expect(streams.get('r2')).toEqual(await store.readStream('r2'));
    expect(streams.get('missing')).toEqual([]);
  });

  it('rebuilds a projection from scratch to the same state as the incrementally built one', async () => {
    const table = 'request_counts';
    await dataSource.query(
      `CREATE TABLE ${table} (object varchar(100) PRIMARY KEY, requests integer NOT NULL, last_position bigint NOT NULL)`,
    );
    const projection = new RequestCountProjection(table, dataSource);
    const runner = new ProjectionRunner(dataSource, store, 7);
    const names = ['a', 'b', 'c'];
    for (let round = 0; round < 10; round++) {
      await store.append(`ks-${round % 3}`, [requested(names[round % 3]!), requested(names[(round + 1) % 3]!)], 'any');
      await runner.catchUp(projection);
    }
    const incremental = await projection.rows();
    expect(incremental.reduce((sum, r) => sum + r.requests, 0)).toBe(20);
    expect(await runner.catchUp(projection)).toBe(0);

    expect(await runner.rebuild(projection)).toBe(20);
    expect(await projection.rows()).toEqual(incremental);
  });

  it('relays every event, resends after a failure, and advances the checkpoint only on success', async () => {
    const published: string[] = [];
    let failNext = true;
    const relay = new OutboxRelay(dataSource, store, {
      publish: async (event) => {
        if (failNext) {
          failNext = false;
          throw new Error('broker down');
        }
        published.push(event.id);
      },
    });
    const events = [requested('a'), requested('b'), requested('c')];
    await store.append('ks', events, 'no-stream');
    await expect(relay.relayOnce()).rejects.toThrow('broker down');
    expect(await relay.relayOnce()).toBe(3);
    expect(await relay.relayOnce()).toBe(0);
    expect(published.filter((id) => id === events[0]!.id).length).toBeGreaterThanOrEqual(1);
    expect(new Set(published)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('passes store-only event types without publishing them, and moves the checkpoint past them', async () => {
    const published: string[] = [];
    const relay = new OutboxRelay(dataSource, store, { publish: async (event) => void published.push(event.type) }, { storeOnlyTypes: ['ReconcileRequested'] });
    const artifactFailed = newEvent<FailedV1>({
      type: 'Failed',
      schemaVersion: 1,
      object: { kind: 'GitRepository', namespace: 'flux-system', name: 'app' },
      revision: null,
      reason: 'ArtifactFailed',
      message: 'boom',
      stage: 'fetch',
      terminal: false,
    });
    await store.append('mixed', [requested('x'), artifactFailed, requested('y')], 'no-stream');
    expect(await relay.relayOnce()).toBe(3);
    expect(published).toEqual(['Failed']);
    expect(await relay.relayOnce()).toBe(0);
  });

  it('inbox runs a handler once per event id, atomically with its writes', async () => {
    const inbox = new Inbox(dataSource, 'test-consumer');
    const id = randomUUID();
    let runs = 0;
    expect(await inbox.processOnce(id, async () => void runs++)).toBe(true);
    expect(await inbox.processOnce(id, async () => void runs++)).toBe(false);
    expect(runs).toBe(1);

    const failing = randomUUID();
    await expect(
      inbox.processOnce(failing, async (manager) => {
        await store.appendBatchIn(manager, [{ streamId: 'side', events: [requested('x')], expectedVersion: 'any' }]);
        throw new Error('handler crashed');
      }),
    ).rejects.toThrow('handler crashed');
    expect(await inbox.seen(failing)).toBe(false);
    expect(await store.streamVersion('side')).toBe(0);
    expect(await inbox.processOnce(failing, async () => void runs++)).toBe(true);
    expect(runs).toBe(2);
  });
});
