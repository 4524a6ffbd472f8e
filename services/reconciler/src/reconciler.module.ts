import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient, LeaseLock, ResourceManager } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { KustomizationScheduler } from './app/kustomization-scheduler';
import { ReconcileKustomizationHandler } from './app/reconcile-kustomization.handler';
import type { ReconcilerConfig } from './config';
import { HttpArtifactWorkspace } from './infra/http-artifact.workspace';
import { KubeClusterResolver } from './infra/kube-cluster.resolver';
import { KubeLeaseReconcileLock } from './infra/kube-lease.lock';
import { KubeEventRecorder } from './infra/kube-event.recorder';
import { KubeKustomizationRepository } from './infra/kube-kustomization.repository';
import { KubeSourceReader } from './infra/kube-source.reader';
import { KustomizeManifestBuilder } from './infra/kustomize-manifest.builder';
import { KUBE_CLIENT, KUSTOMIZATION_SCHEDULER } from './tokens';
import { ReconcileTriggersConsumer } from './transport/artifact-ready.consumer';

const WIRING = Symbol('ReconcilerWiring');

/** The reconciler's parts that have a lifecycle. */
interface ReconcilerWiring {
  repository: KubeKustomizationRepository;
  scheduler: KustomizationScheduler;
  workspace: HttpArtifactWorkspace;
}

/** Starts the Kustomization informer once the app is up, stops it and drains the queue on shutdown. */
@Injectable()
class ReconcilerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WIRING) private readonly wiring: ReconcilerWiring,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // Not awaited: the service stays up (health, metrics, events) while it waits for the API server.
  onApplicationBootstrap(): void {
    void this.wiring.repository.start().then(() => this.logger.info('watching Kustomizations'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.wiring.repository.stop();
    await this.wiring.scheduler.stop();
    this.wiring.workspace.clear();
  }
}

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
          // The repository's watch feeds the scheduler and the handler reads the repository: built together.
          provide: WIRING,
          useFactory: (client: KubeClient, events: EventStore, metrics: FerryMetrics, logger: Logger) => {
            const clusters = new KubeClusterResolver(client, new ResourceManager(client, config.fieldManager), config.fieldManager);
            const repositoryRef: { current?: KubeKustomizationRepository } = {};
            const workspace = new HttpArtifactWorkspace(config.artifact);
            const handler = new ReconcileKustomizationHandler({
              kustomizations: {
                get: (namespace, name) => repositoryRef.current?.get(namespace, name),
                list: () => repositoryRef.current?.list() ?? [],
                setFinalizers: (kustomization, finalizers) => (repositoryRef.current as KubeKustomizationRepository).setFinalizers(kustomization, finalizers),
                writeStatus: (kustomization, status) => (repositoryRef.current as KubeKustomizationRepository).writeStatus(kustomization, status),
              },
              sources: new KubeSourceReader(client),
              workspace,
              builder: new KustomizeManifestBuilder(client),
              clusters,
              lock: new KubeLeaseReconcileLock(new LeaseLock(client, config.lease.identity, { durationSeconds: config.lease.durationSeconds })),
              recorder: new KubeEventRecorder(client, 'ferry-reconciler'),
              events,
              metrics,
              logger,
            });
            const scheduler = new KustomizationScheduler(handler, logger, config.workers);
            const repository = new KubeKustomizationRepository(
              client,
              {
                onUpsert: (object, previous) => scheduler.onUpsert(object, previous),
                onDelete: (object) => scheduler.onDelete(object),
                onError: (error) => logger.error('Kustomization watch failed, retrying', { error }),
              },
              config.fieldManager,
            );
            repositoryRef.current = repository;
            scheduler.attach(repository);
            return { scheduler, repository, workspace } satisfies ReconcilerWiring;
          },
          inject: [KUBE_CLIENT, EVENT_STORE, METRICS, LOGGER],
        },
        { provide: KUSTOMIZATION_SCHEDULER, useFactory: (wiring: ReconcilerWiring) => wiring.scheduler, inject: [WIRING] },
        ReconcilerLifecycle,
      ],
      exports: [KUSTOMIZATION_SCHEDULER],
    };
  }
}
