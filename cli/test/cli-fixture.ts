import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fluxCustomResourceDefinitions, RECONCILE_REQUESTED_AT_ANNOTATION } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject, type ObjectLocator } from '@ferry/kube';
import { deleteTestStream, startServiceProcess, tempDir, TEST_NATS_URL, uniqueSuffix, type ServiceProcess } from '@ferry/testing';
import { runFerry } from '../src/program';

/** What one `ferry` run printed and returned. */
export interface FerryResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr split into lines, for asserting on Flux's ► ✔ ◎ ✗ lines. */
  lines: string[];
}

/** Runs `ferry <args>` in-process with captured output; `env` replaces the process environment, `cwd` its directory. */
export async function ferry(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<FerryResult> {
  let stdout = '';
  let stderr = '';
  const code = await runFerry(args, {
    io: { out: (text) => (stdout += text), err: (text) => (stderr += text) },
    env,
    pollIntervalMs: 20,
    ...(cwd ? { cwd } : {}),
  });
  return { code, stdout, stderr, lines: stderr.split('\n').filter(Boolean) };
}

/** A dev cluster with Flux's CRDs, its kubeconfig on disk and a client. */
export interface CliCluster {
  cluster: DevCluster;
  kubeconfig: string;
  kube: KubeClient;
  /** A fresh namespace with a random suffix. */
  namespace(): Promise<string>;
  /** `ferry <args> --kubeconfig <this cluster>`. */
  ferry(...args: string[]): Promise<FerryResult>;
  stop(): Promise<void>;
}

/** Starts a dev cluster for one test file (each test then takes its own namespace). */
export async function startCliCluster(options: { crds?: boolean } = {}): Promise<CliCluster> {
  const cluster = await DevCluster.start({ simulator: { readyDelayMs: 10 } });
  const dir = tempDir('ferry-cli-');
  const kubeconfig = join(dir.path, 'kubeconfig');
  cluster.writeKubeconfig(kubeconfig);
  const kube = KubeClient.fromKubeconfig(cluster.kubeconfig());
  if (options.crds !== false) {
    for (const crd of fluxCustomResourceDefinitions()) {
      await kube.apply(crd as unknown as KubeObject, { fieldManager: 'test', force: true });
    }
  }
  return {
    cluster,
    kubeconfig,
    kube,
    async namespace() {
      const name = `cli-${uniqueSuffix()}`;
      await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'test' });
      return name;
    },
    ferry: (...args: string[]) => ferry([...args, '--kubeconfig', kubeconfig]),
    async stop() {
      await cluster.stop();
      dir.remove();
    },
  };
}

/** Status a simulated controller writes. */
export interface SimulatedStatus {
  ready: boolean;
  message: string;
  revision?: string;
  revisionField?: 'artifact' | 'lastAppliedRevision';
  /** More status fields written in the same patch (a Receiver's webhookPath). */
  extra?: Record<string, unknown>;
}

/**
 * Plays the controller: waits until the object exists (with `onRequest`, carries a reconcile request; with
 * `minGeneration`, has reached that generation),
 * then writes status for its generation, echoing the request in `lastHandledReconcileAt`.
 */
export async function simulateController(
  kube: KubeClient,
  locator: ObjectLocator,
  status: SimulatedStatus,
  options: { onRequest?: boolean; minGeneration?: number } = {},
): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const object = await kube.get(locator);
    const requestedAt = object?.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
    if (object && (!options.onRequest || requestedAt) && (object.metadata.generation ?? 1) >= (options.minGeneration ?? 0)) {
      const revision =
        status.revision === undefined
          ? {}
          : status.revisionField === 'artifact'
            ? { artifact: { revision: status.revision, digest: `sha256:${'0'.repeat(64)}`, path: 'x', url: 'http://x', lastUpdateTime: new Date().toISOString() } }
            : { lastAppliedRevision: status.revision };
      await kube.mergePatch(
        locator,
        {
          status: {
            observedGeneration: object.metadata.generation ?? 1,
            ...(requestedAt ? { lastHandledReconcileAt: requestedAt } : {}),
            ...revision,
            ...status.extra,
            conditions: [
              {
                type: 'Ready',
                status: status.ready ? 'True' : 'False',
                reason: status.ready ? 'Succeeded' : 'ReconciliationFailed',
                message: status.message,
                lastTransitionTime: new Date().toISOString(),
                observedGeneration: object.metadata.generation ?? 1,
              },
            ],
          },
        },
        { subresource: 'status', fieldManager: 'test-controller' },
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`simulated controller never saw ${locator.kind} ${locator.name}`);
}

/** Runs the real kubectl with `input` on stdin; asynchronous, so an in-process dev cluster keeps answering. */
export function kubectl(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Ferry's services as processes on their own test stream, against a CLI cluster, with state in `stateDir`. */
export interface PlatformServices {
  /** In the order asked for. */
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

/** Starts the named services (`source`, `reconciler`, `notifier`) as processes sharing a fresh test stream. */
export async function startPlatformServices(names: Array<'source' | 'reconciler' | 'notifier'>, kubeconfig: string, stateDir: string): Promise<PlatformServices> {
  const stream = `TEST_${uniqueSuffix()}`;
  const shared = {
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    NATS_URL: TEST_NATS_URL,
    FERRY_EVENT_STREAM: stream,
    FERRY_EVENT_SUBJECT_PREFIX: `test${uniqueSuffix()}.ferry.events`,
    FERRY_EVENT_STORAGE: 'memory',
    KUBECONFIG: kubeconfig,
  };
  const processes = await Promise.all(
    names.map((name) =>
      startServiceProcess(
        `services/${name}/src/main.ts`,
        {
          ...shared,
          DATABASE_URL: `sqlite:${join(stateDir, `${name}.db`)}`,
          ...(name === 'source' ? { ARTIFACT_ROOT: join(stateDir, 'artifacts'), GIT_MIRROR_ROOT: join(stateDir, 'mirrors') } : {}),
        },
        90_000,
      ),
    ),
  );
  return {
    processes,
    async stop() {
      for (const process of processes) await process.stop();
      await deleteTestStream(stream);
    },
  };
}
