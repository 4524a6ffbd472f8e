import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type NatsConnection } from 'nats';
import { ferryEvents, fluxCustomResourceDefinitions, newEvent, type ArtifactReadyV1, type RawEnvelope } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import { JetStreamPublisher } from '@ferry/messaging';
import { runService, type RunningService } from '@ferry/platform';
import { TEST_NATS_URL, deleteTestStream, tempDir, uniqueSuffix } from '@ferry/testing';
import { loadReconcilerConfig } from '../src/config';
import { ReconcilerModule } from '../src/reconciler.module';
import { ArtifactServer } from './artifact-server';

/**
 * The reconciler end to end: a dev cluster with Flux's CRDs and `flux-system`, real NATS (a stream of its own),
 * artifacts over loopback HTTP, the service itself, and every event it publishes collected in `seen`.
 */
export class ReconcilerFixture {
  readonly dir = tempDir();
  readonly suffix = uniqueSuffix();
  readonly stream = `TEST_${this.suffix}`;
  readonly subjectPrefix = `test${this.suffix}.ferry.events`;
  readonly seen: RawEnvelope[] = [];
  readonly artifacts = new ArtifactServer();
  cluster!: DevCluster;
  client!: KubeClient;
  nats!: NatsConnection;
  service!: RunningService;

  async start(): Promise<void> {
    this.cluster = await DevCluster.start({ simulator: { readyDelayMs: 100 } });
    this.cluster.writeKubeconfig(join(this.dir.path, 'kubeconfig'));
    this.client = KubeClient.fromKubeconfig(this.cluster.kubeconfig());
    await new ResourceManager(this.client, 'test-setup').applyAll([
      ...(fluxCustomResourceDefinitions() as unknown as KubeObject[]),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    ]);
    await this.artifacts.start();
    this.nats = await connect({ servers: TEST_NATS_URL });
    this.service = await this.startReplica('reconciler.db');
    const subscription = this.nats.subscribe(`${this.subjectPrefix}.>`);
    void (async () => {
      for await (const message of subscription) this.seen.push(ferryEvents.decode(JSON.parse(new TextDecoder().decode(message.data))));
    })();
  }

  async stop(): Promise<void> {
    await this.service?.close();
    await this.nats?.close();
    await this.artifacts.stop();
    await this.cluster?.stop();
    await deleteTestStream(this.stream);
    this.dir.remove();
  }

  /** A reconciler replica: its own database, the shared stream (and so the shared durable consumer). */
  async startReplica(database: string): Promise<RunningService> {
    const config = loadReconcilerConfig({
      KUBECONFIG: join(this.dir.path, 'kubeconfig'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: `sqlite:${this.dir.path}/${database}`,
      FERRY_EVENT_STREAM: this.stream,
      FERRY_EVENT_SUBJECT_PREFIX: this.subjectPrefix,
      FERRY_EVENT_STORAGE: 'memory',
    });
    return runService(ReconcilerModule.forRoot(config), config.platform);
  }

  /** The real `kubectl` against the dev cluster; its stdout. */
  async kubectl(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', join(this.dir.path, 'kubeconfig'), '--cache-dir', join(this.dir.path, 'cache'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: this.dir.path },
    });
    return stdout;
  }

  /** Announces a source's new artifact on NATS, as the source service does. */
  async announce(source: ArtifactReadyV1['source'], artifact: { revision: string; digest: string; url: string; size: number }): Promise<void> {
    const event = newEvent<ArtifactReadyV1>({ type: 'ArtifactReady', schemaVersion: 1, source, ...artifact });
    await new JetStreamPublisher(this.nats.jetstream(), this.subjectPrefix).publish(event);
  }
}

/** Polls `probe` until `done` holds or the timeout passes; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
