// Notifier benchmark: event published on JetStream → provider request received on loopback, with 100 Alerts
// (one per Kustomization, so each event matches exactly one) at a target rate of 1,000 events/s, through the
// real notifier process (dev cluster informers, SQLite event store for the once-only record, outbox relay).
// The machine is shared, so besides latency it prints the load average and the notifier's own CPU time per
// event: events per CPU-second is what one core achieves, whatever the other processes do. A warm-up at the same
// rate (BENCH_WARMUP_SECONDS, default 2) runs first, reported on its own: a notifier runs for days, so the
// steady state is what the target is about, and the cold start (JIT, first connections) is shown beside it.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect } from 'nats';
import { newEvent, type AppliedV1 } from '@ferry/contracts';
import { JetStreamPublisher } from '@ferry/messaging';
import { TEST_NATS_URL } from '@ferry/testing';
import { FakeEndpoint, eventually } from '../test/fake-endpoint';
import { notifierFixture } from '../test/notifier-fixture';

const ALERTS = 100;
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// utime + stime of a process in seconds (Linux /proc; USER_HZ is 100 on every Linux ABI Node supports).
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const warmupLatencies: number[] = [];
  let recording = warmupLatencies;
  const endpoint = await new FakeEndpoint((request) => {
    const revision = /"revision":"([^"]+)"/.exec(request.body)?.[1];
    const started = revision ? sentAt.get(revision) : undefined;
    if (started !== undefined) recording.push(performance.now() - started);
    return { status: 200, body: '{}' };
  }).start();
  const fixture = await notifierFixture();
  const nats = await connect({ servers: TEST_NATS_URL });
  try {
    const ns = fixture.namespace;
    await fixture.apply({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { name: 'sink', namespace: ns }, spec: { type: 'generic', address: `${endpoint.url}/flux` } });
    for (let i = 0; i < ALERTS; i++) {
      await fixture.apply({
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: `alert-${i}`, namespace: ns },
        spec: { providerRef: { name: 'sink' }, eventSources: [{ kind: 'Kustomization', name: `ks-${i}` }] },
      });
    }
    // BENCH_DATABASE_URL=postgres://…?schema=… measures with PostgreSQL (production's store) instead of SQLite.
    const service = await fixture.start(process.env['BENCH_DATABASE_URL'] ? { DATABASE_URL: process.env['BENCH_DATABASE_URL'] } : {});
    const pid = service.child.pid ?? 0;
    const publisher = new JetStreamPublisher(nats.jetstream(), fixture.subjectPrefix);
    // Publishes `count` events at RATE/s, event numbers from `first` on; resolves with the offered rate.
    const offer = async (first: number, count: number): Promise<number> => {
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        // Pace in 10 ms ticks so the offered load is RATE events/s.
        const due = started + (i / RATE) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const n = first + i;
        const revision = `main@sha1:${n.toString(16).padStart(40, '0')}`;
        const event = newEvent<AppliedV1>({
          type: 'Applied',
          schemaVersion: 1,
          object: { kind: 'Kustomization', namespace: ns, name: `ks-${n % ALERTS}` },
          revision,
          changeSet: [{ id: `Deployment/${ns}/web-${n % ALERTS}`, action: 'configured' }],
          durationMs: 1,
        });
        sentAt.set(revision, performance.now());
        inFlight.push(publisher.publish(event));
      }
      await Promise.all(inFlight);
      return count / ((performance.now() - started) / 1000);
    };
    const warmup = RATE * WARMUP_SECONDS;
    await offer(0, warmup);
    await eventually(`${warmup} warm-up deliveries`, () => warmupLatencies.length >= warmup, 300_000);
    recording = latencies;
    const loadBefore = loadavg()[0] ?? NaN;
    const cpuBefore = cpuSeconds(pid);
    const total = RATE * SECONDS;
    const started = performance.now();
    const offered = await offer(warmup, total);
    await eventually(`${total} deliveries`, () => latencies.length >= total, 300_000);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    await service.stop();
    const sorted = [...latencies].sort((a, b) => a - b);
    const warm = [...warmupLatencies].sort((a, b) => a - b);
    process.stdout.write(
      `${JSON.stringify({
        alerts: ALERTS,
        store: process.env['BENCH_DATABASE_URL'] ? 'postgres' : 'sqlite',
        events: total,
        offeredEventsPerSecond: Math.round(offered),
        deliveredPerSecond: Math.round(total / elapsed),
        requestsReceived: endpoint.requests.length - warmup,
        warmup: { events: warmup, p99Ms: round(percentile(warm, 99)), maxMs: round(warm.at(-1) ?? NaN) },
        latencyMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) },
        notifierCpuSeconds: round(cpu, 2),
        eventsPerNotifierCpuSecond: Math.round(total / cpu),
        loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? NaN, 2) },
      })}\n`,
    );
  } finally {
    await nats.close();
    await fixture.dispose();
    await endpoint.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`notify bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
