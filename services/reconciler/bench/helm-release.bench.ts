import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { loadChart, renderChart } from '@ferry/helm';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import { runService } from '@ferry/platform';
import { deleteTestStream, podinfoLikeChart, tempDir, uniqueSuffix } from '@ferry/testing';
import { ArtifactServer } from '../test/artifact-server';
import { ReconcilerModule } from '../src/reconciler.module';
import { benchConfig, collectFinished, mib, percentile, runBench, startDevClusterProcess } from './bench-support';

/*
 * HelmRelease bench (issue 10), on this machine's 2 cores, the dev cluster in a child process.
 * 1. Rendering alone: the podinfo-like chart rendered RENDERS times in-process — ms per render, heap growth.
 * 2. RELEASES HelmReleases of that chart (one shared HelmChart through chartRef), each installing a Deployment
 *    and a Service with a Helm release Secret: wall time until all are Ready, per-reconcile p50/p99, and what
 *    share of a reconcile the render is.
 */
const RELEASES = Number(process.env['BENCH_HELMRELEASES'] ?? 100);
const RENDERS = 200;

async function main(): Promise<void> {
  const dir = tempDir();
  const artifacts = new ArtifactServer();
  await artifacts.start();
  const files = Object.fromEntries(Object.entries(podinfoLikeChart('6.5.0')).map(([path, content]) => [`podinfo/${path}`, String(content)]));
  const artifact = artifacts.publish(files, { top: 'podinfo', revision: '6.5.0' });

  const chart = loadChart(await (await fetch(artifact.url)).arrayBuffer().then((b) => Buffer.from(b)));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const renderStart = performance.now();
  for (let i = 0; i < RENDERS; i++) {
    renderChart(chart, { replicaCount: 2 }, { release: { name: `app-${i}`, namespace: `bench-${i}`, revision: 1, isInstall: true, isUpgrade: false } });
  }
  const renderMs = (performance.now() - renderStart) / RENDERS;
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  console.log(`render: podinfo-like chart (4 templates, helpers with include/nindent/toYaml) ${renderMs.toFixed(2)} ms per render over ${RENDERS}, heap +${mib(heapGrowth)}`);

  const suffix = uniqueSuffix();
  const stream = `BENCH_${suffix}`;
  const subjectPrefix = `bench${suffix}.ferry.events`;
  const kubeconfig = join(dir.path, 'kubeconfig');
  const cluster = await startDevClusterProcess(kubeconfig);
  const client = KubeClient.fromKubeconfig(readFileSync(kubeconfig, 'utf8'));
  const setup = new ResourceManager(client, 'bench-setup');
  await setup.applyAll([...(fluxCustomResourceDefinitions() as unknown as KubeObject[]), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }]);
  await setup.apply({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'podinfo', namespace: 'flux-system' }, spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, interval: '1h' } });
  const now = new Date().toISOString();
  await client.mergePatch(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace: 'flux-system', name: 'podinfo' },
    {
      status: {
        artifact: { path: 'podinfo-6.5.0.tgz', url: artifact.url, revision: '6.5.0', digest: artifact.digest, lastUpdateTime: now, size: artifact.size },
        conditions: [{ type: 'Ready', status: 'True', reason: 'ChartPullSucceeded', message: 'bench', lastTransitionTime: now }],
      },
    },
    { subresource: 'status' },
  );

  const events = await collectFinished(subjectPrefix, (event) => event.outcome === 'succeeded');
  const config = benchConfig(kubeconfig, dir.path, stream, subjectPrefix);
  const service = await runService(ReconcilerModule.forRoot(config), config.platform);
  const names = Array.from({ length: RELEASES }, (_, i) => `app-${i}`);
  const start = performance.now();
  for (const name of names) {
    await setup.apply({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name, namespace: 'flux-system' },
      spec: { interval: '1h', chartRef: { kind: 'HelmChart', name: 'podinfo' }, targetNamespace: `bench-${name}`, install: { createNamespace: true }, values: { replicaCount: 2 } },
    });
  }
  await events.waitFor(names);
  const seconds = (performance.now() - start) / 1000;
  const durations = names.map((name) => events.finished.get(name)?.durationMs ?? NaN).sort((a, b) => a - b);
  const p50 = percentile(durations, 50);
  console.log(
    `fleet: ${RELEASES} HelmReleases installed in ${seconds.toFixed(1)} s (${config.workers} workers) — per reconcile p50 ${p50.toFixed(0)} ms, ` +
      `p99 ${percentile(durations, 99).toFixed(0)} ms; rendering is ${((renderMs / p50) * 100).toFixed(1)}% of a reconcile; ` +
      `reconciler peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`,
  );

  await service.close();
  await events.close();
  await artifacts.stop();
  cluster.kill('SIGTERM');
  await deleteTestStream(stream);
  dir.remove();
}

runBench(main);
