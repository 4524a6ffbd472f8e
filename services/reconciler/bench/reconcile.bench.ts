import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import { emitYamlStream, type Json } from '@ferry/kustomize';
import { runService } from '@ferry/platform';
import { deleteTestStream, tempDir, uniqueSuffix } from '@ferry/testing';
import { ArtifactServer } from '../test/artifact-server';
import { ReconcilerModule } from '../src/reconciler.module';
import { benchConfig, collectFinished, mib, percentile, runBench, startDevClusterProcess } from './bench-support';

/*
 * Reconciler bench (issue 6), everything on this machine's 2 cores.
 * The dev cluster runs in a child process (an API server is never inside its controller).
 * 1. FLEET Kustomizations × 20 objects from one commit: wall time until all are Ready at the revision,
 *    per-reconcile p50/p99 (ReconcileFinished durations) and peak RSS. Target: 1,000 × 20 in < 60 s
 *    (Flux publishes 4m15s for 1,000).
 * 2. One 1,000-object Kustomization (fetch + build + staged server-side apply) against
 *    `kubectl apply --server-side` of the same objects, both creating them. Target: ≤ 0.5× kubectl's time.
 */
const FLEET = Number(process.env['BENCH_KUSTOMIZATIONS'] ?? 1000);
const PER_KUSTOMIZATION = 20;
const LARGE = 1000;

const configMap = (name: string, namespace: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { app: name } },
  data: { index: String(i), 'settings.yaml': `replicas: ${i % 5}\nmode: bench\n` },
});

const deployment = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1', ports: [{ containerPort: 8080 }] }] } },
  },
});

/** One Kustomization's 20 objects: a Namespace, a Deployment, a Service and 17 ConfigMaps. */
function appObjects(i: number): KubeObject[] {
  const namespace = `bench-${i}`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    deployment('web', namespace),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    ...Array.from({ length: PER_KUSTOMIZATION - 3 }, (_, j) => configMap(`config-${j}`, namespace, j)),
  ];
}

function largeObjects(namespace: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    ...Array.from({ length: LARGE - 1 }, (_, i) => (i % 10 === 0 ? deployment(`app-${i}`, namespace) : configMap(`config-${i}`, namespace, i))),
  ];
}

async function main(): Promise<void> {
  const dir = tempDir();
  const suffix = uniqueSuffix();
  const stream = `BENCH_${suffix}`;
  const subjectPrefix = `bench${suffix}.ferry.events`;
  const kubeconfig = join(dir.path, 'kubeconfig');
  const cluster = await startDevClusterProcess(kubeconfig);
  const client = KubeClient.fromKubeconfig(readFileSync(kubeconfig, 'utf8'));
  const setup = new ResourceManager(client, 'bench-setup');
  await setup.applyAll([...(fluxCustomResourceDefinitions() as unknown as KubeObject[]), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }]);

  const files: Record<string, string> = { 'large/objects.yaml': emitYamlStream(largeObjects('bench-large') as unknown as Json[]) };
  for (let i = 0; i < FLEET; i++) files[`apps/app-${i}/manifest.yaml`] = emitYamlStream(appObjects(i) as unknown as Json[]);
  const artifacts = new ArtifactServer();
  await artifacts.start();
  const artifact = artifacts.publish(files);
  await setup.apply({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: 'flux-system' }, spec: { url: 'http://git.example/repo', interval: '1h' } });
  await client.mergePatch(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'repo' },
    {
      status: {
        artifact: { path: 'bench', url: artifact.url, revision: artifact.revision, digest: artifact.digest, lastUpdateTime: new Date().toISOString(), size: artifact.size },
        conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'bench', lastTransitionTime: new Date().toISOString() }],
      },
    },
    { subresource: 'status' },
  );

  const events = await collectFinished(subjectPrefix);
  const { finished, waitFor } = events;
  const config = benchConfig(kubeconfig, dir.path, stream, subjectPrefix);
  const service = await runService(ReconcilerModule.forRoot(config), config.platform);
  const kustomization = (name: string, path: string): KubeObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '1h', prune: true, path, sourceRef: { kind: 'GitRepository', name: 'repo' } },
  });

  console.log(`reconciler bench (2 cores; dev cluster in a child process, NATS JetStream and SQLite on loopback; ${config.workers} workers)`);
  const fleetNames = Array.from({ length: FLEET }, (_, i) => `app-${i}`);
  const fleetStart = performance.now();
  for (const name of fleetNames) await setup.apply(kustomization(name, `./apps/${name}`));
  await waitFor(fleetNames);
  const fleetSeconds = (performance.now() - fleetStart) / 1000;
  const durations = fleetNames.map((name) => finished.get(name)?.durationMs ?? NaN).sort((a, b) => a - b);
  const failed = fleetNames.filter((name) => finished.get(name)?.outcome === 'failed');
  const objects = (await client.list('v1', 'ConfigMap')).items.filter((o) => o.metadata.namespace?.startsWith('bench-')).length;
  console.log(
    `fleet: ${FLEET} Kustomizations × ${PER_KUSTOMIZATION} objects in ${fleetSeconds.toFixed(1)} s ` +
      `(target < 60 s; Flux publishes 255 s for 1,000) — per reconcile p50 ${percentile(durations, 50).toFixed(0)} ms, ` +
      `p99 ${percentile(durations, 99).toFixed(0)} ms, failed ${failed.length}, ConfigMaps in the cluster ${objects}, ` +
      `reconciler peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`,
  );

  const largeStart = performance.now();
  await setup.apply(kustomization('large', './large'));
  await waitFor(['large']);
  const ferrySeconds = (performance.now() - largeStart) / 1000;
  const largeOutcome = finished.get('large');

  const yamlFile = join(dir.path, 'large.yaml');
  writeFileSync(yamlFile, emitYamlStream(largeObjects('bench-kubectl') as unknown as Json[]));
  const kubectlStart = performance.now();
  await promisify(execFile)(
    'kubectl',
    ['--kubeconfig', kubeconfig, '--cache-dir', join(dir.path, 'cache'), 'apply', '--server-side', '--field-manager', 'bench', '-f', yamlFile],
    { env: { PATH: process.env['PATH'] ?? '', HOME: dir.path }, maxBuffer: 64 * 1024 * 1024 },
  );
  const kubectlSeconds = (performance.now() - kubectlStart) / 1000;
  console.log(
    `large: one Kustomization of ${LARGE} objects: Ferry ${ferrySeconds.toFixed(2)} s (${largeOutcome?.outcome}; fetch, build, staged apply) ` +
      `vs kubectl apply --server-side ${kubectlSeconds.toFixed(2)} s — ratio ${(ferrySeconds / kubectlSeconds).toFixed(2)}× (target ≤ 0.5×)`,
  );

  await service.close();
  await events.close();
  await artifacts.stop();
  cluster.kill('SIGTERM');
  await deleteTestStream(stream);
  dir.remove();
}

runBench(main);
