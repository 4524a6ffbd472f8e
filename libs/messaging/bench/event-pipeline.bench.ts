// Event store benchmark: append throughput (single and batched) and publish→consume latency through the
// outbox relay, JetStream and a durable consumer, on PostgreSQL and SQLite. Targets (issue 2):
// ≥ 5,000 appends/s batched on PostgreSQL; p99 publish→consume < 20 ms on loopback.
import { connect } from 'nats';
import { ferryEvents, newEvent, type ReconcileRequestedV1 } from '@ferry/contracts';
import { OutboxRelay, TypeOrmEventStore, openEventStoreDatabase, parseDatabaseUrl, writeCheckpoint } from '@ferry/event-store';
import { TEST_NATS_URL, testDatabase, uniqueSuffix } from '@ferry/testing';
import { EventConsumer, JetStreamPublisher, ensureDurableConsumer, ensureEventStream } from '../src';

const requested = (i: number): ReconcileRequestedV1 =>
  newEvent<ReconcileRequestedV1>({
    type: 'ReconcileRequested',
    schemaVersion: 1,
    object: { kind: 'Kustomization', namespace: 'bench', name: `ks-${i % 100}` },
    reason: 'schedule',
    requestedAt: new Date().toISOString(),
  });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function appendThroughput(store: TypeOrmEventStore, batchSize: number, total: number): Promise<number> {
  const events = Array.from({ length: total }, (_, i) => requested(i));
  const started = performance.now();
  for (let i = 0; i < total; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    await store.appendBatch(
      Array.from({ length: 10 }, (_, s) => ({
        streamId: `bench-${batchSize}-${i}-${s}`,
        events: batch.filter((_, j) => j % 10 === s),
        expectedVersion: 'no-stream' as const,
      })).filter((a) => a.events.length > 0),
    );
  }
  return total / ((performance.now() - started) / 1000);
}

async function publishToConsumeLatency(store: TypeOrmEventStore, dataSource: Awaited<ReturnType<typeof openEventStoreDatabase>>, count: number) {
  const suffix = uniqueSuffix();
  const stream = { stream: `BENCH_${suffix}`, subjectPrefix: `bench${suffix}.ferry.events`, duplicateWindowMs: 60_000, storage: 'memory' as const };
  const nc = await connect({ servers: TEST_NATS_URL });
  const jsm = await nc.jetstreamManager();
  await ensureEventStream(jsm, stream);
  await ensureDurableConsumer(jsm, stream.stream, { durable: 'bench', filterSubjects: [], ackWaitMs: 30_000, maxDeliver: 3 });
  const relay = new OutboxRelay(dataSource, store, new JetStreamPublisher(nc.jetstream(), stream.subjectPrefix), {
    name: `bench-${suffix}`,
    pollMs: 1000,
  });
  // The throughput events are not part of this measurement: start the relay after them.
  const [row] = (await dataSource.query('SELECT MAX(position) AS last FROM events')) as Array<{ last: string | number }>;
  await writeCheckpoint(dataSource, dataSource.manager, `outbox:bench-${suffix}`, Number(row?.last ?? 0));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const consumer = new EventConsumer(nc.jetstream(), {
    stream: stream.stream,
    durable: 'bench',
    catalog: ferryEvents,
    maxDeliver: 3,
    onDeadLetter: () => undefined,
    handle: async (event) => {
      const sent = sentAt.get(event.id);
      if (sent !== undefined) latencies.push(performance.now() - sent);
      if (latencies.length === count) resolveDone();
    },
  });
  await consumer.start();
  relay.start();
  for (let i = 0; i < count; i++) {
    const event = requested(i);
    sentAt.set(event.id, performance.now());
    await store.append(`latency-${suffix}-${i}`, [event], 'no-stream');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await done;
  await relay.stop();
  await consumer.stop();
  await jsm.streams.delete(stream.stream);
  await nc.close();
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function main(): Promise<void> {
  console.log('event-store benchmark (2 cores; real PostgreSQL and NATS JetStream on loopback)');
  for (const kind of ['postgres', 'sqlite'] as const) {
    const db = testDatabase(kind);
    const dataSource = await openEventStoreDatabase(parseDatabaseUrl(db.url));
    const store = new TypeOrmEventStore(dataSource, ferryEvents);
    try {
      const single = await appendThroughput(store, 1, 1000);
      const batched100 = await appendThroughput(store, 100, 20_000);
      const batched1000 = await appendThroughput(store, 1000, 50_000);
      const latency = await publishToConsumeLatency(store, dataSource, 1000);
      console.log(
        `${kind.padEnd(8)} append: ${single.toFixed(0)} events/s one at a time, ${batched100.toFixed(0)} events/s in batches of 100, ` +
          `${batched1000.toFixed(0)} events/s in batches of 1000 (target ≥ 5000 on postgres)`,
      );
      console.log(
        `${kind.padEnd(8)} append→relay→JetStream→consumer latency: p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms (target p99 < 20 ms)`,
      );
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
