import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { NatsConnection } from 'nats';
import { ferryEvents, newEvent, subjectFor, type ReconcileRequestedV1 } from '@ferry/contracts';
import {
  OutboxRelay,
  TypeOrmEventStore,
  openEventStoreDatabase,
  parseDatabaseUrl,
  writeCheckpoint,
} from '@ferry/event-store';
import { TEST_NATS_URL, testDatabase, uniqueSuffix, type TestDatabase } from '@ferry/testing';
import { EventConsumer, type DeadLetter } from './event-consumer';
import { ensureDurableConsumer, ensureEventStream, type EventStreamConfig } from './event-stream';
import { JetStreamPublisher } from './jetstream-publisher';
import { connectNats } from './nats-connection';

const requested = (name: string): ReconcileRequestedV1 =>
  newEvent<ReconcileRequestedV1>({
    type: 'ReconcileRequested',
    schemaVersion: 1,
    object: { kind: 'GitRepository', namespace: 'flux-system', name },
    reason: 'webhook',
    requestedAt: new Date().toISOString(),
  });

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('messaging over JetStream', () => {
  let nc: NatsConnection;
  let stream: EventStreamConfig;

  beforeEach(async () => {
    const suffix = uniqueSuffix();
    stream = { stream: `TEST_${suffix}`, subjectPrefix: `test${suffix}.ferry.events`, duplicateWindowMs: 60_000, storage: 'memory' };
    nc = await connectNats(TEST_NATS_URL, 'messaging-test');
    const jsm = await nc.jetstreamManager();
    await ensureEventStream(jsm, stream);
    await ensureEventStream(jsm, stream); // idempotent
  });

  afterEach(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream.stream).catch(() => undefined);
    await nc.close();
  });

  async function consumer(durable: string, handle: (event: unknown) => Promise<void>, accepts?: (subject: string) => boolean) {
    const jsm = await nc.jetstreamManager();
    await ensureDurableConsumer(jsm, stream.stream, { durable, filterSubjects: [], ackWaitMs: 1000, maxDeliver: 3 });
    const deadLetters: DeadLetter[] = [];
    const c = new EventConsumer(nc.jetstream(), {
      stream: stream.stream,
      durable,
      catalog: ferryEvents,
      maxDeliver: 3,
      backoffMs: [100],
      onDeadLetter: (letter) => void deadLetters.push(letter),
      handle,
      ...(accepts ? { accepts } : {}),
    });
    await c.start();
    return { c, deadLetters };
  }

  it('dedupes a resent event by id on the server', async () => {
    const publisher = new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix);
    const event = requested('podinfo');
    await publisher.publish(event);
    await publisher.publish(event);
    const info = await (await nc.jetstreamManager()).streams.info(stream.stream);
    expect(info.state.messages).toBe(1);
  });

  it('terminates an invalid message and records it with subject and id', async () => {
    const handled: string[] = [];
    const { c, deadLetters } = await consumer('poison', async (e) => void handled.push((e as { id: string }).id));
    const bad = { ...requested('x'), reason: 'because' };
    await nc.jetstream().publish(subjectFor('ReconcileRequested', 1, stream.subjectPrefix), JSON.stringify(bad));
    const good = requested('y');
    await new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix).publish(good);
    await eventually(async () => deadLetters.length + handled.length, (n) => n >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than ack wait: no redelivery may follow
    await c.stop();
    expect(handled).toEqual([good.id]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      consumer: 'poison',
      subject: `${stream.subjectPrefix}.reconcile-requested.v1`,
      eventId: bad.id,
      reason: 'invalid',
    });
    expect(deadLetters[0]?.error).toMatch(/field "reason"/);
  });

  it('redelivers with backoff after a handler failure and dead-letters after max deliveries', async () => {
    const attempts = new Map<string, number>();
    const flaky = requested('flaky');
    const doomed = requested('doomed');
    const { c, deadLetters } = await consumer('retry', async (e) => {
      const id = (e as { id: string }).id;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (id === doomed.id || (attempts.get(id) ?? 0) < 2) throw new Error(`boom ${attempts.get(id)}`);
    });
    const publisher = new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix);
    await publisher.publish(flaky);
    await publisher.publish(doomed);
    await eventually(async () => deadLetters.length, (n) => n >= 1);
    await c.stop();
    expect(attempts.get(flaky.id)).toBe(2);
    expect(attempts.get(doomed.id)).toBe(3);
    expect(deadLetters).toEqual([expect.objectContaining({ eventId: doomed.id, reason: 'max-deliveries', error: 'boom 3' })]);
  });

  it('acks handled messages and, on a whole-stream consumer, the subjects it does not take, without decoding them', async () => {
    const handled: string[] = [];
    const wanted = subjectFor('ReconcileRequested', 1, stream.subjectPrefix);
    const { c, deadLetters } = await consumer('picky', async (e) => void handled.push((e as { id: string }).id), (subject) => subject === wanted);
    const events = Array.from({ length: 40 }, (_, i) => requested(`p${i}`));
    const publisher = new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix);
    await Promise.all(events.map((event) => publisher.publish(event)));
    // Not an event at all: it would be dead-lettered if it were decoded.
    await nc.jetstream().publish(`${stream.subjectPrefix}.applied.v1`, 'not json');
    await eventually(async () => handled.length, (n) => n >= events.length);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than ack wait: an unacked message would come back
    const info = await (await nc.jetstreamManager()).consumers.info(stream.stream, 'picky');
    await c.stop();
    expect(handled.sort()).toEqual(events.map((event) => event.id).sort());
    expect(deadLetters).toEqual([]);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(events.length + 1);
  });

  it('shares work between two replicas of one durable consumer, each event handled by one of them', async () => {
    const byReplica: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const slow = (replica: 'a' | 'b') => async (event: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      byReplica[replica].push((event as { id: string }).id);
    };
    const a = await consumer('shared', slow('a'));
    const b = await consumer('shared', slow('b'));
    const publisher = new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix);
    const events = Array.from({ length: 60 }, (_, i) => requested(`r${i}`));
    for (const event of events) await publisher.publish(event);
    await eventually(async () => byReplica.a.length + byReplica.b.length, (n) => n >= 60);
    await a.c.stop();
    await b.c.stop();
    expect(byReplica.a.length).toBeGreaterThan(0);
    expect(byReplica.b.length).toBeGreaterThan(0);
    expect([...byReplica.a, ...byReplica.b].sort()).toEqual(events.map((e) => e.id).sort());
  });

  describe('from one service store to a consumer in another process', () => {
    let producerDb: TestDatabase;
    let consumerDb: TestDatabase;
    let dataSource: DataSource;
    const children: ChildProcess[] = [];

    beforeEach(async () => {
      producerDb = testDatabase('postgres');
      consumerDb = testDatabase('sqlite');
      dataSource = await openEventStoreDatabase(parseDatabaseUrl(producerDb.url));
    });

    afterEach(async () => {
      children.forEach((child) => child.kill('SIGKILL'));
      await dataSource.destroy();
      await producerDb.drop();
      await consumerDb.drop();
    });

    function startConsumer(crash: boolean): Promise<ChildProcess> {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, '..', 'test', 'consumer-process.ts')],
        {
          cwd: join(__dirname, '..', '..', '..'),
          env: {
            ...process.env,
            DATABASE_URL: consumerDb.url,
            NATS_URL: TEST_NATS_URL,
            STREAM: stream.stream,
            DURABLE: 'xproc',
            CRASH_AFTER_COMMIT: crash ? '1' : '0',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      return new Promise((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
        child.on('exit', (code) => reject(new Error(`consumer exited early with ${code}`)));
      });
    }

    it('processes each event exactly once in effect despite a resend and a crash before ack', async () => {
      const jsm = await nc.jetstreamManager();
      await ensureDurableConsumer(jsm, stream.stream, { durable: 'xproc', filterSubjects: [], ackWaitMs: 1000, maxDeliver: 5 });
      const store = new TypeOrmEventStore(dataSource, ferryEvents);
      const relay = new OutboxRelay(dataSource, store, new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix));
      const events = Array.from({ length: 5 }, (_, i) => requested(`repo-${i}`));
      await store.append('GitRepository/flux-system/repos', events, 'no-stream');

      const crashing = await startConsumer(true);
      const crashed = new Promise<number | null>((resolve) => crashing.on('exit', resolve));
      expect(await relay.relayOnce()).toBe(5);
      // The relay "crashed" before saving its checkpoint: it sends everything again.
      await writeCheckpoint(dataSource, dataSource.manager, 'outbox:default', 0);
      expect(await relay.relayOnce()).toBe(5);
      expect(await crashed).toBe(3);

      const healthy = await startConsumer(false);
      const consumerSource = await openEventStoreDatabase(parseDatabaseUrl(consumerDb.url));
      try {
        const rows = await eventually(
          async () => (await consumerSource.query('SELECT event_id, handled FROM processed')) as Array<{ event_id: string; handled: number }>,
          (r) => r.length === 5,
        );
        // The message whose consumer crashed before ack comes again after the ack wait (1 s).
        const redelivered = await eventually(
          async () => (await consumerSource.query('SELECT event_id FROM deliveries WHERE delivery > 1')) as unknown[],
          (r) => r.length >= 1,
        );
        expect(redelivered.length).toBeGreaterThanOrEqual(1);
        const final: Array<{ event_id: string; handled: number }> = await consumerSource.query(
          'SELECT event_id, handled FROM processed ORDER BY event_id',
        );
        expect(rows.length).toBe(5);
        expect(final.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
        expect(final.every((r) => Number(r.handled) === 1)).toBe(true);
        expect((await jsm.streams.info(stream.stream)).state.messages).toBe(5);
        const info = await eventually(
          () => jsm.consumers.info(stream.stream, 'xproc'),
          (i) => i.num_ack_pending === 0,
        );
        expect(info.num_ack_pending).toBe(0);
      } finally {
        healthy.kill('SIGTERM');
        await consumerSource.destroy();
      }
    }, 30_000);
  });
});
