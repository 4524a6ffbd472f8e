import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { HELM_SOURCE_API_VERSION, helmChartSchema, helmRepositorySchema, type HelmChart, type HelmRepository } from '@ferry/contracts';
import { GitRepositoryScheduler } from './app/git-repository.scheduler';
import { HelmChartScheduler } from './app/helm-chart.scheduler';
import { ReconcileHelmChartHandler } from './app/reconcile-helm-chart.handler';
import { ReconcileHelmRepositoryHandler } from './app/reconcile-helm-repository.handler';
import { SourceScheduler } from './app/source.scheduler';
import { ReconcileGitRepositoryHandler } from './app/reconcile-git-repository.handler';
import type { SourceConfig } from './config';
import { FailureBackoff } from './domain/failure-backoff';
import { FileArtifactStorage } from './infra/file-artifact-storage';
import { FsChartBuilder } from './infra/fs-chart.builder';
import { HttpHelmGetter } from './infra/http-helm.getter';
import { MirrorGitClient } from './infra/mirror-git.client';
import { KubeEventRecorder } from './infra/kube-event.recorder';
import { KubeGitRepositoryStore } from './infra/kube-git-repository.store';
import { KubeSourceStore } from './infra/kube-source.store';
import { KubeSecretReader } from './infra/kube-secret.reader';
import { WorkerGitArchiver } from './infra/worker-git-archiver';
import { ArtifactController } from './transport/artifact.controller';
import { ReconcileRequestedConsumer } from './transport/reconcile-requested.consumer';
import { ARTIFACT_STORAGE, SOURCE_SCHEDULERS } from './transport/tokens';

const SOURCE_CONTROLLER = Symbol('SourceController');

/** An informer of one source kind, and the artifacts kept for its objects. */
interface WatchedKind {
  kind: string;
  store: { start(): Promise<void>; stop(): Promise<void>; list(): { metadata: { name: string; namespace?: string } }[] };
  /** Removes what is stored for objects that no longer exist; returns what went. */
  collectOrphans(live: ReadonlySet<string>): string[];
}

/** The source controllers' parts that have a lifecycle. */
interface SourceController {
  kinds: WatchedKind[];
  schedulers: Map<string, SourceScheduler<never>>;
  archiver: WorkerGitArchiver;
}

/** Starts the informers once the application is up (retrying while the API server is unreachable); stops all on shutdown. */
@Injectable()
class SourceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(SOURCE_CONTROLLER) private readonly controller: SourceController,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.starting = Promise.all(this.controller.kinds.map((kind) => this.startInformer(kind))).then(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // Stopping the stores ends a start still waiting for the API server.
    await Promise.all(this.controller.kinds.map((kind) => kind.store.stop().catch(() => undefined)));
    await this.starting;
    await Promise.all([...this.controller.schedulers.values()].map((scheduler) => scheduler.stop()));
    await this.controller.archiver.close();
  }

  // The store's informer retries an unreachable API server itself (reporting through the watch's onError).
  private async startInformer(kind: WatchedKind): Promise<void> {
    await kind.store.start();
    if (this.stopped) return;
    this.logger.info(`watching ${kind.kind}s`);
    const live = new Set(kind.store.list().map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`));
    const removed = kind.collectOrphans(live);
    if (removed.length > 0) this.logger.info(`removed artifacts of deleted ${kind.kind}s`, { objects: removed });
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

/** The source service: Flux's source-controller: fetches Git and Helm sources and publishes verified artifacts. */
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
            const secrets = new KubeSecretReader(kube);
            const recorder = new KubeEventRecorder(kube);
            const http = new HttpHelmGetter();
            const holder: {
              git?: GitRepositoryScheduler;
              gitHandler?: ReconcileGitRepositoryHandler;
              helmRepositories?: SourceScheduler<HelmRepository>;
              helmRepositoryHandler?: ReconcileHelmRepositoryHandler;
              charts?: HelmChartScheduler;
              chartHandler?: ReconcileHelmChartHandler;
            } = {};
            const store = new KubeGitRepositoryStore(kube, {
              onUpsert: (repository, previous) => {
                holder.git?.onUpsert(repository, previous);
                holder.charts?.onSourceUpsert('GitRepository', repository, previous);
              },
              onDelete: (object) => holder.git?.onDelete(object),
              onInvalid: (object, error) => void holder.gitHandler?.rejectInvalid(object, error.message),
              onError: (error) => logger.error('GitRepository watch failed', { error }),
            });
            const helmRepositories = new KubeSourceStore<HelmRepository>(kube, helmRepositorySchema, HELM_SOURCE_API_VERSION, 'HelmRepository', {
              onUpsert: (repository, previous) => {
                holder.helmRepositories?.onUpsert(repository, previous);
                holder.charts?.onSourceUpsert('HelmRepository', repository, previous);
              },
              onDelete: (object) => holder.helmRepositories?.onDelete(object),
              onInvalid: (object, error) => void holder.helmRepositoryHandler?.rejectInvalid(object, error.message),
              onError: (error) => logger.error('HelmRepository watch failed', { error }),
            });
            const charts = new KubeSourceStore<HelmChart>(kube, helmChartSchema, HELM_SOURCE_API_VERSION, 'HelmChart', {
              onUpsert: (chart, previous) => holder.charts?.onUpsert(chart, previous),
              onDelete: (object) => holder.charts?.onDelete(object),
              onInvalid: (object, error) => void holder.chartHandler?.rejectInvalid(object, error.message),
              onError: (error) => logger.error('HelmChart watch failed', { error }),
            });
            const backoff = new FailureBackoff(config.retry.minDelayMs, config.retry.maxDelayMs);
            const handler = new ReconcileGitRepositoryHandler({ repositories: store, secrets, git, storage, events, recorder, metrics, logger, backoff });
            holder.gitHandler = handler;
            holder.git = new GitRepositoryScheduler(
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
            holder.helmRepositoryHandler = new ReconcileHelmRepositoryHandler({
              repositories: helmRepositories,
              secrets,
              http,
              storage,
              events,
              recorder,
              metrics,
              logger,
              maxIndexBytes: config.artifacts.maxBytes,
            });
            holder.helmRepositories = new SourceScheduler<HelmRepository>(
              holder.helmRepositoryHandler,
              config.concurrency,
              (object) => {
                holder.helmRepositoryHandler?.forget(object);
                storage.removeAll(object, 'helmrepository');
              },
              (key, error) => logger.error(`reconcile of HelmRepository ${key} failed`, { error }),
            );
            holder.chartHandler = new ReconcileHelmChartHandler({
              charts,
              helmRepositories,
              gitRepositories: store,
              secrets,
              http,
              storage,
              builder: new FsChartBuilder(join(resolve(config.artifacts.root), 'tmp'), { maxBytes: config.artifacts.maxBytes, maxEntries: config.artifacts.maxFiles }),
              events,
              recorder,
              metrics,
              logger,
              maxChartBytes: config.artifacts.maxBytes,
              maxIndexBytes: config.artifacts.maxBytes,
            });
            holder.charts = new HelmChartScheduler(
              holder.chartHandler,
              config.concurrency,
              (object) => storage.removeAll(object, 'helmchart'),
              (key, error) => logger.error(`reconcile of HelmChart ${key} failed`, { error }),
              () => charts.list(),
            );
            return {
              kinds: [
                { kind: 'GitRepository', store, collectOrphans: (live) => [...new Set([...storage.retainOnly(live), ...git.retainOnly(live)])] },
                { kind: 'HelmRepository', store: helmRepositories, collectOrphans: (live) => storage.retainOnly(live, 'helmrepository') },
                { kind: 'HelmChart', store: charts, collectOrphans: (live) => storage.retainOnly(live, 'helmchart') },
              ],
              schedulers: new Map<string, SourceScheduler<never>>([
                ['GitRepository', holder.git as SourceScheduler<never>],
                ['HelmRepository', holder.helmRepositories as SourceScheduler<never>],
                ['HelmChart', holder.charts as SourceScheduler<never>],
              ]),
              archiver,
            };
          },
          inject: [ARTIFACT_STORAGE, EVENT_STORE, METRICS, LOGGER],
        },
        { provide: SOURCE_SCHEDULERS, useFactory: (controller: SourceController) => controller.schedulers, inject: [SOURCE_CONTROLLER] },
        SourceLifecycle,
      ],
    };
  }
}
