import type { z } from 'zod';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConditionType,
  HELM_RELEASE_API_VERSION,
  KUSTOMIZATION_API_VERSION,
  helmReleaseSchema,
  isConditionTrue,
  kustomizationSchema,
  type Condition,
  type HelmRelease,
  type Kustomization,
} from '@ferry/contracts';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient, LeaseLock, ResourceManager, type KubeObject } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { HELM_FIELD_MANAGER } from './app/helm-actions';
import { ReconcileHelmReleaseHandler } from './app/reconcile-helm-release.handler';
import { ReconcileKustomizationHandler } from './app/reconcile-kustomization.handler';
import { ReconcileScheduler, type ReconcileSchedulerOptions, type ReconcileTriggers } from './app/reconcile-scheduler';
import type { ReconcilerConfig } from './config';
import { helmChartRefOf } from './domain/helm-release.decider';
import { FluxPostRenderer } from './infra/flux-post.renderer';
import { HelmChartRenderer } from './infra/helm-chart.renderer';
import { HttpArtifactWorkspace } from './infra/http-artifact.workspace';
import { HttpChartLoader } from './infra/http-chart.loader';
import { KubeClusterResolver } from './infra/kube-cluster.resolver';
import { KubeEventRecorder } from './infra/kube-event.recorder';
import { KubeFluxObjectRepository } from './infra/kube-flux-object.repository';
import { KubeHelmChartTemplates } from './infra/kube-helm-chart.templates';
import { KubeHelmCluster } from './infra/kube-helm.cluster';
import { KubeLeaseReconcileLock } from './infra/kube-lease.lock';
import { KubeSourceReader } from './infra/kube-source.reader';
import { KubeValuesReader } from './infra/kube-values.reader';
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

/** The reconciler service: Flux's kustomize-controller and helm-controller. */
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

            const kustomizations = watchedKind<Kustomization>(
              client,
              { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', schema: kustomizationSchema, fieldManager: config.fieldManager },
              (repository) =>
                new ReconcileKustomizationHandler({
                  ...common,
                  kustomizations: repository,
                  workspace,
                  builder: new KustomizeManifestBuilder(client),
                  clusters: KubeClusterResolver.applying(client, config.fieldManager),
                  recorder: new KubeEventRecorder(client, 'ferry-reconciler'),
                }),
              {
                readsSource: (k, source) => k.spec.sourceRef.kind === source.kind && k.spec.sourceRef.name === source.name && (k.spec.sourceRef.namespace ?? k.metadata.namespace) === source.namespace,
                readyMarker: (o) => readyStatus(o)?.lastAppliedRevision,
                workers: config.workers,
                logger,
              },
            );
            const helmReleases = watchedKind<HelmRelease>(
              client,
              { apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', schema: helmReleaseSchema, fieldManager: HELM_FIELD_MANAGER },
              (repository) =>
                new ReconcileHelmReleaseHandler({
                  ...common,
                  releases: repository,
                  charts: new KubeHelmChartTemplates(client, new ResourceManager(client, HELM_FIELD_MANAGER)),
                  loader: new HttpChartLoader({ maxBytes: config.artifact.maxBytes, timeoutMs: config.artifact.timeoutMs }),
                  renderer: new HelmChartRenderer(),
                  values: new KubeValuesReader(client),
                  clusters: new KubeClusterResolver(client, (c) => new KubeHelmCluster(c, HELM_FIELD_MANAGER)),
                  postRenderer: new FluxPostRenderer(),
                  recorder: new KubeEventRecorder(client, 'helm-controller'),
                }),
              {
                readsSource: (release, source) => {
                  const ref = helmChartRefOf(release);
                  return ref.kind === source.kind && ref.name === source.name && ref.namespace === source.namespace;
                },
                readyMarker: (o) => readyStatus(o)?.history?.[0]?.digest,
                workers: config.workers,
                logger,
              },
            );

            return {
              controllers: [kustomizations, helmReleases],
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

/**
 * One watched kind: its informer-backed repository feeding a scheduler that runs the handler built over it
 * (the handler reads the repository, the repository's watch feeds the scheduler: they are built together).
 */
function watchedKind<T extends { metadata: { name: string; namespace?: string; resourceVersion?: string }; spec: { dependsOn?: Array<{ name: string; namespace?: string }> }; status?: unknown }>(
  client: KubeClient,
  type: { apiVersion: string; kind: string; schema: z.ZodType<T>; fieldManager: string },
  handlerOver: (repository: KubeFluxObjectRepository<T>) => { reconcile: ReconcileSchedulerOptions<T>['reconcile'] },
  options: Omit<ReconcileSchedulerOptions<T>, 'kind' | 'reconcile'>,
): Controller {
  const scheduler = new ReconcileScheduler<T>({
    ...options,
    kind: type.kind,
    // Called only once the repository's watch runs, long after `handler` below exists.
    reconcile: (namespace, name, cause) => handler.reconcile(namespace, name, cause),
  });
  const repository = new KubeFluxObjectRepository<T>(
    client,
    type,
    {
      onUpsert: (object, previous) => scheduler.onUpsert(object, previous),
      onDelete: (object) => scheduler.onDelete(object),
      onError: (error) => options.logger.error(`${type.kind} watch failed, retrying`, { error }),
    },
    type.fieldManager,
  );
  const handler = handlerOver(repository);
  scheduler.attach(repository);
  return { kind: type.kind, repository, scheduler };
}
