import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { GitRepositoryScheduler } from './app/git-repository.scheduler';
import { ReconcileGitRepositoryHandler } from './app/reconcile-git-repository.handler';
import type { SourceConfig } from './config';
import { FailureBackoff } from './domain/failure-backoff';
import { FileArtifactStorage } from './infra/file-artifact-storage';
import { MirrorGitClient } from './infra/mirror-git.client';
import { KubeEventRecorder } from './infra/kube-event.recorder';
import { KubeGitRepositoryStore } from './infra/kube-git-repository.store';
import { KubeSecretReader } from './infra/kube-secret.reader';
import { WorkerGitArchiver } from './infra/worker-git-archiver';
import { ArtifactController } from './transport/artifact.controller';
import { ReconcileRequestedConsumer } from './transport/reconcile-requested.consumer';
import { ARTIFACT_STORAGE, GIT_REPOSITORY_SCHEDULER } from './transport/tokens';

const SOURCE_CONTROLLER = Symbol('SourceController');

/** The GitRepository controller's parts that have a lifecycle. */
interface SourceController {
  store: KubeGitRepositoryStore;
  scheduler: GitRepositoryScheduler;
  archiver: WorkerGitArchiver;
  /** Removes artifacts and mirrors of objects that no longer exist; returns what went. */
  collectOrphans(live: ReadonlySet<string>): string[];
}

/** Starts the informer once the application is up (retrying while the API server is unreachable); stops all on shutdown. */
@Injectable()
class SourceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(SOURCE_CONTROLLER) private readonly controller: SourceController,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.starting = this.startInformer();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // Stopping the store ends a start still waiting for the API server.
    await this.controller.store.stop().catch(() => undefined);
    await this.starting;
    await this.controller.scheduler.stop();
    await this.controller.archiver.close();
  }

  // The store's informer retries an unreachable API server itself (reporting through the watch's onError).
  private async startInformer(): Promise<void> {
    await this.controller.store.start();
    if (this.stopped) return;
    this.logger.info('watching GitRepositories');
    const live = new Set(this.controller.store.list().map((r) => `${r.metadata.namespace ?? 'default'}/${r.metadata.name}`));
    const removed = this.controller.collectOrphans(live);
    if (removed.length > 0) this.logger.info('removed artifacts and mirrors of deleted GitRepositories', { objects: removed });
  }
}

/** This service's base URL once its HTTP server listens (the artifact URLs point at it). */
function ownBaseUrl(adapterHost: HttpAdapterHost, host: string): () => Promise<string> {
  return async () => {
    const server = adapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    if (!server.listening) await new Promise((done) => server.once('listening', done));
    const { port } = server.address() as { port: number };
    const advertised = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return `http://${advertised}:${port}`;
  };
}

/** The source service: Flux's source-controller: fetches Git sources and publishes verified artifacts. */
@Module({})
export class SourceModule {
  static forRoot(config: SourceConfig): DynamicModule {
    return {
      module: SourceModule,
      imports: [PlatformModule.forRoot(config.platform)],
      controllers: [ArtifactController, ReconcileRequestedConsumer],
      providers: [
        {
          provide: ARTIFACT_STORAGE,
          useFactory: (adapterHost: HttpAdapterHost) =>
            new FileArtifactStorage(
              resolve(config.artifacts.root),
              config.artifacts.baseUrl ? async () => config.artifacts.baseUrl as string : ownBaseUrl(adapterHost, config.platform.http.host),
              config.artifacts.retention,
            ),
          inject: [HttpAdapterHost],
        },
        {
          provide: SOURCE_CONTROLLER,
          useFactory: (storage: FileArtifactStorage, events: EventStore, metrics: FerryMetrics, logger: Logger): SourceController => {
            const kube = KubeClient.fromKubeconfig(config.kubeconfig ? readFileSync(config.kubeconfig, 'utf8') : undefined);
            const archiver = new WorkerGitArchiver();
            const git = new MirrorGitClient(archiver, resolve(config.git.mirrorRoot), { maxBytes: config.artifacts.maxBytes, maxFiles: config.artifacts.maxFiles });
            const holder: { scheduler?: GitRepositoryScheduler; handler?: ReconcileGitRepositoryHandler } = {};
            const store = new KubeGitRepositoryStore(kube, {
              onUpsert: (repository, previous) => holder.scheduler?.onUpsert(repository, previous),
              onDelete: (object) => holder.scheduler?.onDelete(object),
              onInvalid: (object, error) => void holder.handler?.rejectInvalid(object, error.message),
              onError: (error) => logger.error('GitRepository watch failed', { error }),
            });
            const handler = new ReconcileGitRepositoryHandler({
              repositories: store,
              secrets: new KubeSecretReader(kube),
              git,
              storage,
              events,
              recorder: new KubeEventRecorder(kube),
              metrics,
              logger,
              backoff: new FailureBackoff(config.retry.minDelayMs, config.retry.maxDelayMs),
            });
            holder.handler = handler;
            holder.scheduler = new GitRepositoryScheduler(
              handler,
              config.concurrency,
              (object) => {
                git.forget(object);
                storage.removeAll(object);
              },
              (key, error) => logger.error(`reconcile of GitRepository ${key} failed`, { error }),
              (namespace, name) =>
                store
                  .list()
                  .filter((r) => (r.metadata.namespace ?? 'default') === namespace && r.spec.include?.some((i) => i.repository.name === name))
                  .map((r) => r.metadata.name),
            );
            return {
              store,
              scheduler: holder.scheduler,
              archiver,
              collectOrphans: (live) => [...new Set([...storage.retainOnly(live), ...git.retainOnly(live)])],
            };
          },
          inject: [ARTIFACT_STORAGE, EVENT_STORE, METRICS, LOGGER],
        },
        { provide: GIT_REPOSITORY_SCHEDULER, useFactory: (controller: SourceController) => controller.scheduler, inject: [SOURCE_CONTROLLER] },
        SourceLifecycle,
      ],
    };
  }
}
