import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { DevCluster } from '../src/index';

/*
 * Dev cluster bench: server-side apply throughput of 1,000 Deployments via `kubectl apply --server-side` and via
 * client-node's KubernetesObjectApi, and heap per object at 10,000 objects. The simulator is off so the
 * figures measure the API server, not pod bookkeeping.
 */
const N = 1000;
const MEM_N = 10_000;

const deployment = (i: number, ns: string): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `app-${i}`, namespace: ns, labels: { app: `app-${i}`, bench: 'ssa' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: `app-${i}` } },
    template: {
      metadata: { labels: { app: `app-${i}` } },
      spec: {
        containers: [
          {
            name: 'app',
            image: `registry.example/app:${i}`,
            ports: [{ containerPort: 8080 }],
            env: [
              { name: 'INDEX', value: String(i) },
              { name: 'MODE', value: 'bench' },
            ],
            resources: { requests: { cpu: '10m', memory: '16Mi' } },
          },
        ],
      },
    },
  },
});

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'devcluster-bench-'));
  const cluster = await DevCluster.start({ simulator: false });
  try {
    const kubeconfig = cluster.writeKubeconfig(join(dir, 'kubeconfig'));
    // Async on purpose: the server runs in this process, a synchronous exec would deadlock it.
    const kubectl = async (args: string[]): Promise<string> =>
      (
        await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {
          env: { PATH: process.env['PATH'] ?? '', HOME: dir },
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout;
    const nsDoc = (ns: string): string => stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

    writeFileSync(join(dir, 'ns.yaml'), [nsDoc('bench-kubectl'), nsDoc('bench-client')].join('---\n'));
    await kubectl(['apply', '-f', join(dir, 'ns.yaml')]);
    const file = join(dir, 'deployments.yaml');
    writeFileSync(file, Array.from({ length: N }, (_, i) => stringify(deployment(i, 'bench-kubectl'))).join('---\n'));
    await kubectl(['api-resources']);
    let t = performance.now();
    const out = await kubectl(['apply', '--server-side', '-f', file]);
    const kubectlSecs = (performance.now() - t) / 1000;
    const applied = out.split('\n').filter((l) => l.endsWith('serverside-applied')).length;
    if (applied !== N) throw new Error(`kubectl applied ${applied} of ${N}`);

    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apply = (i: number): Promise<unknown> =>
      objects.patch(deployment(i, 'bench-client'), undefined, undefined, 'ferry-bench', true, PatchStrategy.ServerSideApply);
    await apply(0);
    t = performance.now();
    const concurrency = 8;
    let next = 1;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < N) await apply(next++);
      }),
    );
    const clientSecs = (performance.now() - t) / 1000;

    const api = cluster.api;
    const deps = api.registry.lookup('apps', 'v1', 'deployments');
    const nsType = api.registry.lookup('', 'v1', 'namespaces');
    if (!deps || !nsType) throw new Error('built-ins missing');
    api.create(nsType, '', { metadata: { name: 'bench-mem' } });
    const before = heapMb();
    const storedBefore = api.store.count();
    for (let i = 0; i < MEM_N - storedBefore; i++) {
      api.patch(deps, 'bench-mem', `app-${i}`, 'apply', deployment(i, 'bench-mem'), { fieldManager: 'ferry-bench' });
    }
    const after = heapMb();
    const total = api.store.count();

    const rows = [
      ['kubectl apply --server-side (1 invocation)', `${N} Deployments`, `${kubectlSecs.toFixed(2)} s`, `${(N / kubectlSecs).toFixed(0)} objects/s`],
      ['client-node SSA (8 in flight)', `${N - 1} Deployments`, `${clientSecs.toFixed(2)} s`, `${((N - 1) / clientSecs).toFixed(0)} objects/s`],
      [
        `heap at ${total} objects`,
        `+${(after - before).toFixed(1)} MB for ${total - storedBefore}`,
        `${after.toFixed(1)} MB heapUsed`,
        `${(((after - before) * 1024 * 1024) / (total - storedBefore) / 1024).toFixed(2)} KiB/object`,
      ],
    ];
    process.stdout.write('devcluster bench\n');
    for (const r of rows) process.stdout.write(`  ${r[0]?.padEnd(44)} ${r[1]?.padEnd(26)} ${r[2]?.padEnd(18)} ${r[3]}\n`);
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String((e as Error).stack ?? e)}\n`);
  process.exit(1);
});
