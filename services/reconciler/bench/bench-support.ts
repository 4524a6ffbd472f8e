import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type NatsConnection } from 'nats';
import { ferryEvents, type ReconcileFinishedV1 } from '@ferry/contracts';
import { TEST_NATS_URL } from '@ferry/testing';
import { loadReconcilerConfig, type ReconcilerConfig } from '../src/config';

/** The dev cluster in its own process, as an API server is: the reconciler and it each get a core. */
export async function startDevClusterProcess(kubeconfig: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/devcluster/src/main.ts', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the dev cluster exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('kubeconfig written') && resolve());
  });
  child.stdout?.resume();
  return child;
}

/** The p-th percentile of sorted numbers. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** Bytes as MiB for a report line. */
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The reconciler's configuration for a bench: its own stream and SQLite database, errors-only logs. */
export function benchConfig(kubeconfig: string, dir: string, stream: string, subjectPrefix: string): ReconcilerConfig {
  return loadReconcilerConfig({
    KUBECONFIG: kubeconfig,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: `sqlite:${dir}/reconciler.db`,
    FERRY_EVENT_STREAM: stream,
    FERRY_EVENT_SUBJECT_PREFIX: subjectPrefix,
    FERRY_EVENT_STORAGE: 'memory',
    LOG_LEVEL: 'error',
    ...(process.env['RECONCILER_WORKERS'] ? { RECONCILER_WORKERS: process.env['RECONCILER_WORKERS'] } : {}),
  });
}

/** ReconcileFinished events on NATS, the last one kept per object name (filtered by `keep`). */
export async function collectFinished(
  subjectPrefix: string,
  keep: (event: ReconcileFinishedV1) => boolean = () => true,
): Promise<{ finished: Map<string, ReconcileFinishedV1>; waitFor(names: string[]): Promise<void>; close(): Promise<void> }> {
  const nats: NatsConnection = await connect({ servers: TEST_NATS_URL });
  const finished = new Map<string, ReconcileFinishedV1>();
  let onFinished: () => void = () => undefined;
  const subscription = nats.subscribe(`${subjectPrefix}.reconcile-finished.>`);
  void (async () => {
    for await (const message of subscription) {
      const event = ferryEvents.decode(JSON.parse(new TextDecoder().decode(message.data))) as ReconcileFinishedV1;
      if (!keep(event)) continue;
      finished.set(event.object.name, event);
      onFinished();
    }
  })();
  return {
    finished,
    waitFor: (names) =>
      new Promise<void>((resolve) => {
        onFinished = () => names.every((name) => finished.has(name)) && resolve();
        onFinished();
      }),
    close: async () => {
      subscription.unsubscribe();
      await nats.close();
    },
  };
}

/** Runs a bench's main and exits with its outcome (open handles of a failed run must not keep it alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
