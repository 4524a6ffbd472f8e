import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCluster, DevClusterOptions } from '../src/index';

/** Result of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A dev cluster plus a kubectl bound to its kubeconfig, HOME and cache dir in a temp dir (never ~/.kube). */
export interface KubectlFixture {
  cluster: DevCluster;
  dir: string;
  kubeconfig: string;
  kubectl: (args: string[], stdin?: string) => Promise<KubectlResult>;
  stop: () => Promise<void>;
}

/** Starts a cluster and returns a kubectl runner pointed at it. */
export async function startWithKubectl(opts: DevClusterOptions = {}): Promise<KubectlFixture> {
  const cluster = await DevCluster.start({ simulator: { readyDelayMs: 100 }, ...opts });
  const dir = mkdtempSync(join(tmpdir(), 'devcluster-'));
  const kubeconfig = cluster.writeKubeconfig(join(dir, 'kubeconfig'));
  const kubectl = (args: string[], stdin?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: kubeconfig }, timeout: 30_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  return {
    cluster,
    dir,
    kubeconfig,
    kubectl,
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A namespace name unique to one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
