import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConditionType,
  KUSTOMIZATION_API_VERSION,
  isConditionTrue,
  kustomizationSchema,
  type Condition,
  type Kustomization,
} from '@ferry/contracts';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient, LeaseLock, type KubeObject } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { ReconcileKustomizationHandler } from './app/reconcile-kustomization.handler';
import { ReconcileScheduler, type ReconcileTriggers } from './app/reconcile-scheduler';
import type { ReconcilerConfig } from './config';
import { HttpArtifactWorkspace } from './infra/http-artifact.workspace';
import { KubeClusterResolver } from './infra/kube-cluster.resolver';
import { KubeEventRecorder } from './infra/kube-event.recorder';
import { KubeFluxObjectRepository } from './infra/kube-flux-object.repository';
import { KubeLeaseReconcileLock } from './infra/kube-lease.lock';
import { KubeSourceReader } from './infra/kube-source.reader';
import { KustomizeManifestBuilder } from './infra/kustomize-manifest.builder';
import { KUBE_CLIENT, SCHEDULERS } from './tokens';
import { ReconcileTriggersConsumer } from './transport/artifact-ready.consumer';

const WIRING = Symbol('ReconcilerWiring');

/** One kind the reconciler watches: its informer-backed repository and its scheduler. */
interface Controller {
  kind: string;
  repository: { start(): Promise<void>; stop(): Promise<void> };
  scheduler: ReconcileTriggers;
}

/** The reconciler's parts that have a lifecycle. */
interface ReconcilerWiring {
  controllers: Controller[];
  workspace: HttpArtifactWorkspace;
}

/** Starts the informers once the app is up, stops them and drains the queues on shutdown. */
@Injectable()
class ReconcilerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WIRING) private readonly wiring: ReconcilerWiring,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // Not awaited: the service stays up (health, metrics, events) while it waits for the API server.
  onApplicationBootstrap(): void {
    for (const controller of this.wiring.controllers) void controller.repository.start().then(() => this.logger.info(`watching ${controller.kind}s`));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const controller of this.wiring.controllers) await controller.repository.stop();
    for (const controller of this.wiring.controllers) await controller.scheduler.stop();
    this.wiring.workspace.clear();
  }
}

const readyStatus = (o: KubeObject | undefined) => {
  const status = (o as { status?: { conditions?: Condition[]; lastAppliedRevision?: string; history?: Array<{ digest: string }> } } | undefined)?.status;
  return isConditionTrue(status?.conditions, ConditionType.Ready) ? status : undefined;
};

/** The reconciler service: Flux's kustomize-controller. */
@Module({})
export class ReconcilerModule {
  static forRoot(config: ReconcilerConfig): DynamicModule {
    return {
      module: ReconcilerModule,
      imports: [PlatformModule.forRoot(config.platform)],
      controllers: [ReconcileTriggersConsumer],
      providers: [
        { provide: KUBE_CLIENT, useFactory: () => KubeClient.fromKubeconfig(config.kubeconfig) },
        {
          // Each repository's watch feeds its scheduler and the handler reads the repository: built together.
          provide: WIRING,
          useFactory: (client: KubeClient, events: EventStore, metrics: FerryMetrics, logger: Logger) => {
            const lock = new KubeLeaseReconcileLock(new LeaseLock(client, config.lease.identity, { durationSeconds: config.lease.durationSeconds }));
            const sources = new KubeSourceReader(client);
            const workspace = new HttpArtifactWorkspace(config.artifact);
            const common = { sources, lock, events, metrics, logger };

            const kustomizations = { current: undefined as KubeFluxObjectRepository<Kustomization> | undefined };
            const kustomizationHandler = new ReconcileKustomizationHandler({
              ...common,
              kustomizations: repositoryPort(kustomizations),
              workspace,
              builder: new KustomizeManifestBuilder(client),
              clusters: KubeClusterResolver.applying(client, config.fieldManager),
              recorder: new KubeEventRecorder(client, 'ferry-reconciler'),
            });
            const kustomizationScheduler = new ReconcileScheduler<Kustomization>({
              kind: 'Kustomization',
              reconcile: (namespace, name, cause) => kustomizationHandler.reconcile(namespace, name, cause),
              readsSource: (k, source) => k.spec.sourceRef.kind === source.kind && k.spec.sourceRef.name === source.name && (k.spec.sourceRef.namespace ?? k.metadata.namespace) === source.namespace,
              readyMarker: (o) => readyStatus(o)?.lastAppliedRevision,
              workers: config.workers,
              logger,
            });
            kustomizations.current = new KubeFluxObjectRepository(
              client,
              { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', schema: kustomizationSchema },
              watchHandlers(kustomizationScheduler, logger, 'Kustomization'),
              config.fieldManager,
            );
            kustomizationScheduler.attach(kustomizations.current);

            return {
              controllers: [
                { kind: 'Kustomization', repository: kustomizations.current, scheduler: kustomizationScheduler },
              ],
              workspace,
            } satisfies ReconcilerWiring;
          },
          inject: [KUBE_CLIENT, EVENT_STORE, METRICS, LOGGER],
        },
        { provide: SCHEDULERS, useFactory: (wiring: ReconcilerWiring) => wiring.controllers.map((c) => c.scheduler), inject: [WIRING] },
        ReconcilerLifecycle,
      ],
      exports: [SCHEDULERS],
    };
  }
}

/** The informer's events go to the scheduler. */
function watchHandlers(scheduler: ReconcileTriggers, logger: Logger, kind: string) {
  return {
    onUpsert: (object: KubeObject, previous: KubeObject | undefined) => scheduler.onUpsert(object, previous),
    onDelete: (object: KubeObject) => scheduler.onDelete(object),
    onError: (error: unknown) => logger.error(`${kind} watch failed, retrying`, { error }),
  };
}

/** The repository port over a repository built after the handler (the handler only calls it once it runs). */
function repositoryPort<T extends { metadata: { name: string } }>(ref: { current: KubeFluxObjectRepository<T & { status?: unknown }> | undefined }) {
  const repository = () => {
    if (!ref.current) throw new Error('repository used before it was built');
    return ref.current;
  };
  return {
    get: (namespace: string, name: string) => ref.current?.get(namespace, name),
    list: () => ref.current?.list() ?? [],
    setFinalizers: (object: T & { status?: unknown }, finalizers: string[]) => repository().setFinalizers(object, finalizers),
    writeStatus: (object: T & { status?: unknown }, status: NonNullable<(T & { status?: unknown })['status']>) => repository().writeStatus(object, status),
  };
}
