/**
 * CLI benchmark: how long `ferry get kustomizations -A`, `ferry reconcile` and `ferry install` take in-process
 * against a dev cluster holding N Kustomizations (the controller is simulated by patching status on request).
 * Run: `npx nx bench cli` (N from BENCH_OBJECTS, default 500).
 */
import { join } from 'node:path';
import { fluxCustomResourceDefinitions, KUSTOMIZATION_API_VERSION, RECONCILE_REQUESTED_AT_ANNOTATION } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject } from '@ferry/kube';
import { tempDir } from '@ferry/testing';
import { runFerry } from '../src/program';

const objects = Number(process.env['BENCH_OBJECTS'] ?? 500);

async function timed(label: string, run: () => Promise<number>): Promise<void> {
  const start = process.hrtime.bigint();
  const code = await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${label.padEnd(48)} ${ms.toFixed(1).padStart(9)} ms  (exit ${code})\n`);
}

async function main(): Promise<void> {
  const cluster = await DevCluster.start({ simulator: { readyDelayMs: 10 } });
  const dir = tempDir('ferry-bench-');
  const kubeconfig = join(dir.path, 'kubeconfig');
  cluster.writeKubeconfig(kubeconfig);
  const kube = KubeClient.fromKubeconfig(cluster.kubeconfig());
  const quiet = { io: { out: () => undefined, err: () => undefined }, env: process.env, pollIntervalMs: 50 };
  const ferry = (...args: string[]) => runFerry([...args, '--kubeconfig', kubeconfig], quiet);
  try {
    for (const crd of fluxCustomResourceDefinitions()) await kube.apply(crd as unknown as KubeObject, { fieldManager: 'bench', force: true });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }, { fieldManager: 'bench' });
    for (let i = 0; i < objects; i++) {
      await kube.apply(
        {
          apiVersion: KUSTOMIZATION_API_VERSION,
          kind: 'Kustomization',
          metadata: { name: `app-${i}`, namespace: 'flux-system' },
          spec: { interval: '5m0s', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'apps' } },
        },
        { fieldManager: 'bench' },
      );
    }
    await timed(`get kustomizations -A (${objects} objects)`, () => ferry('get', 'kustomizations', '-A'));
    await timed(`get all (${objects} objects)`, () => ferry('get', 'all'));

    // The "controller" answers the reconcile request as soon as it sees it.
    const locator = { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace: 'flux-system', name: 'app-0' };
    const controller = (async () => {
      for (;;) {
        const object = await kube.get(locator);
        const requestedAt = object?.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
        if (object && requestedAt) {
          await kube.mergePatch(locator, {
            status: {
              observedGeneration: object.metadata.generation,
              lastHandledReconcileAt: requestedAt,
              lastAppliedRevision: 'main@sha1:0',
              conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', lastTransitionTime: new Date().toISOString() }],
            },
          }, { subresource: 'status' });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await timed('reconcile kustomization (poll every 50 ms)', () => ferry('reconcile', 'ks', 'app-0'));
    await controller;
    await timed('install --export', () => ferry('install', '--export'));
    await timed('install (apply + wait for workloads)', () => ferry('install', '-n', 'ferry-bench'));
    await timed('install again (nothing changes)', () => ferry('install', '-n', 'ferry-bench'));
  } finally {
    await cluster.stop();
    dir.remove();
  }
}

void main();
