import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import {
  fluxCustomResourceDefinitions,
  newEvent,
  subjectFor,
  type ArtifactReadyV1,
  type FailedV1,
  type ObjectRef,
  type ReconcileFinishedV1,
  type ReconcileRequestedV1,
} from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject } from '@ferry/kube';
import { TEST_NATS_URL, deleteTestStream, startServiceProcess, tempDir, uniqueSuffix, type ServiceProcess } from '@ferry/testing';

/** What the source service publishes. */
export type SourceEvent = ArtifactReadyV1 | FailedV1 | ReconcileFinishedV1;

/**
 * The source service as a process against a dev cluster with Flux's CRDs, on its own NATS stream, with every
 * event it publishes collected; each int-spec adds the loopback servers it needs.
 */
export class SourceServiceFixture {
  readonly dir = tempDir();
  readonly events: SourceEvent[] = [];
  private readonly stream = `TEST_${uniqueSuffix()}`;
  private readonly prefix = `test${uniqueSuffix()}.ferry.events`;
  cluster!: DevCluster;
  kube!: KubeClient;
  service!: ServiceProcess;
  private nats!: NatsConnection;

  async start(): Promise<void> {
    this.cluster = await DevCluster.start({ simulator: false });
    this.kube = KubeClient.fromKubeconfig(this.cluster.kubeconfig());
    for (const crd of fluxCustomResourceDefinitions()) await this.kube.apply(crd as unknown as KubeObject, { fieldManager: 'test', force: true });
    this.nats = await connect({ servers: TEST_NATS_URL });
    const codec = JSONCodec<SourceEvent>();
    const subscription = this.nats.subscribe(`${this.prefix}.>`);
    void (async () => {
      for await (const message of subscription) this.events.push(codec.decode(message.data));
    })();
    writeFileSync(this.kubeconfig, this.cluster.kubeconfig());
    this.service = await startServiceProcess('services/source/src/main.ts', {
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: `sqlite:${this.dir.path}/source.db`,
      FERRY_EVENT_STREAM: this.stream,
      FERRY_EVENT_SUBJECT_PREFIX: this.prefix,
      FERRY_EVENT_STORAGE: 'memory',
      KUBECONFIG: this.kubeconfig,
      ARTIFACT_ROOT: join(this.dir.path, 'artifacts'),
      GIT_MIRROR_ROOT: join(this.dir.path, 'mirrors'),
    });
  }

  /** Stops everything it started; resolves with the service's exit code. */
  async stop(): Promise<number | null> {
    const code = await this.service.stop();
    await this.nats.drain();
    await deleteTestStream(this.stream);
    await this.cluster.stop();
    this.dir.remove();
    return code;
  }

  /** The dev cluster's kubeconfig file (for kubectl). */
  get kubeconfig(): string {
    return join(this.dir.path, 'kubeconfig');
  }

  /** Polls until `probe` gives a value (not undefined or false); a timeout shows the service's last log lines. */
  async waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.service.lines.slice(-20).join('\n')}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** The events of one type the service published about one object, in order. */
  eventsOf<T extends SourceEvent['type']>(type: T, kind: string, namespace: string, name: string): Array<Extract<SourceEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<SourceEvent, { type: T }> => {
      const ref = 'source' in event ? event.source : event.object;
      return event.type === type && ref.kind === kind && ref.namespace === namespace && ref.name === name;
    });
  }

  /** Publishes ReconcileRequested on the service's stream, as `flux reconcile` through a Receiver would. */
  async requestReconcile(object: ObjectRef): Promise<ReconcileRequestedV1> {
    const request = newEvent<ReconcileRequestedV1>({ type: 'ReconcileRequested', schemaVersion: 1, object, reason: 'cli', requestedAt: new Date().toISOString() });
    await this.nats.jetstream().publish(subjectFor('ReconcileRequested', 1, this.prefix), JSONCodec().encode(request), { msgID: request.id });
    return request;
  }
}
