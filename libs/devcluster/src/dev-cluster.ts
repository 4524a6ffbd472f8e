import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ClusterApi } from './app/cluster-api';
import { JsonObject } from './domain/json';
import { ObjectStore } from './domain/object-store';
import { ResourceRegistry } from './domain/resource-registry';
import { ApiHttpServer } from './http/api-http-server';
import { SimulatorOptions, WorkloadSimulator } from './simulator/workload-simulator';

/** How to start a dev cluster. */
export interface DevClusterOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** JSON file the object store is loaded from and saved to, so state survives restarts. */
  persistPath?: string;
  /** Workload simulator settings; `false` turns it off (objects then never get status). */
  simulator?: Partial<SimulatorOptions> | false;
  /** Size of the watch history kept for resuming watches (older resourceVersions get 410 Gone). */
  watchHistory?: number;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * An in-process Kubernetes API server on loopback that kubectl and `@kubernetes/client-node` accept, with a
 * kwok-like workload simulator. One instance per test keeps tests independent.
 */
export class DevCluster {
  private saveTimer: NodeJS.Timeout | undefined;

  private constructor(
    /** The API semantics, for in-process use without HTTP. */
    readonly api: ClusterApi,
    private readonly http: ApiHttpServer,
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    private readonly simulator: WorkloadSimulator | undefined,
    private readonly persistPath: string | undefined,
  ) {}

  /** Starts a cluster: loads persisted state, creates the system namespaces, listens, starts the simulator. */
  static async start(opts: DevClusterOptions = {}): Promise<DevCluster> {
    const store = new ObjectStore(opts.watchHistory);
    const registry = new ResourceRegistry();
    if (opts.persistPath && existsSync(opts.persistPath)) {
      const snap = JSON.parse(readFileSync(opts.persistPath, 'utf8')) as Parameters<ObjectStore['load']>[0];
      store.load(snap);
      for (const crd of store.list('apiextensions.k8s.io/customresourcedefinitions')) registry.registerCrd(crd);
    }
    const api = new ClusterApi(store, registry);
    const nsType = registry.lookup('', 'v1', 'namespaces');
    for (const ns of SYSTEM_NAMESPACES) {
      if (nsType && !store.get('/namespaces', '', ns)) api.create(nsType, '', { metadata: { name: ns } }, { fieldManager: 'devcluster' });
    }
    const http = new ApiHttpServer(api);
    const url = await http.listen(opts.port ?? 0);
    const sim = opts.simulator === false ? undefined : new WorkloadSimulator(api, opts.simulator ?? {});
    sim?.start();
    const cluster = new DevCluster(api, http, url, sim, opts.persistPath);
    if (opts.persistPath) cluster.persistOnChange();
    return cluster;
  }

  private persistOnChange(): void {
    const store = this.api.store;
    // Any write bumps the resourceVersion: poll it instead of watching every storage key.
    let last = store.resourceVersion;
    this.saveTimer = setInterval(() => {
      if (store.resourceVersion !== last) {
        last = store.resourceVersion;
        this.save();
      }
    }, 500);
    this.saveTimer.unref();
  }

  /** Writes the object store to the persistence file (atomically, via rename). */
  save(): void {
    if (!this.persistPath) return;
    const tmp = `${this.persistPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.api.store.snapshot()));
    renameSync(tmp, this.persistPath);
  }

  /** A kubeconfig for this cluster (context `devcluster`, no credentials needed). */
  kubeconfig(): string {
    const cfg: JsonObject = {
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain-HTTP servers unless TLS verification is off; kubectl ignores the flag for http.
      clusters: [{ name: 'devcluster', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'devcluster', user: { token: 'devcluster' } }],
      contexts: [{ name: 'devcluster', context: { cluster: 'devcluster', user: 'devcluster', namespace: 'default' } }],
      'current-context': 'devcluster',
    };
    return stringify(cfg);
  }

  /** Writes {@link kubeconfig} to a file and returns its path. */
  writeKubeconfig(path: string): string {
    writeFileSync(path, this.kubeconfig(), { mode: 0o600 });
    return path;
  }

  /** Stops the simulator and the server, saving state first when persistence is on. */
  async stop(): Promise<void> {
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.simulator?.stop();
    this.save();
    await this.http.close();
  }
}
