import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { tempDir } from '@ferry/testing';
import { ferry, startCliCluster, type CliCluster } from '../../test/cli-fixture';

function kubeconfigFor(server: string, dir: string): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "' + server + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
      'current-context: ctx',
      '',
    ].join('\n'),
  );
  return path;
}

async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ferry check --pre', () => {
  const dir = tempDir('ferry-check-');
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster({ crds: false });
  });
  afterAll(async () => {
    await dev.stop();
    dir.remove();
  });

  it('passes with kubectl and a Kubernetes 1.32 API server', async () => {
    const r = await dev.ferry('check', '--pre');
    expect(r.lines).toEqual([
      '► checking prerequisites',
      expect.stringMatching(/^✔ kubectl 1\.\d+\.\d+\S* >=1\.28\.0-0$/),
      '✔ Kubernetes 1.32.0-ferry.0 >=1.28.0-0',
      '✔ prerequisites checks passed',
    ]);
    expect(r.code).toBe(0);
  });

  it('honours KUBECONFIG and --context', async () => {
    const r = await ferry(['check', '--pre', '--context', 'devcluster'], { ...process.env, KUBECONFIG: dev.kubeconfig });
    expect(r.lines).toContain('✔ prerequisites checks passed');
    const missing = await ferry(['check', '--pre', '--context', 'nope'], { ...process.env, KUBECONFIG: dev.kubeconfig });
    expect(missing.code).toBe(1);
    expect(missing.lines).toContain(`✗ Kubernetes API call failed: context "nope" not found in kubeconfig ${dev.kubeconfig}`);
  });

  it('fails fast with a clear message when nothing listens at the API address', async () => {
    const closed = await serve(() => undefined);
    const url = closed.url;
    await closed.close();
    const r = await ferry(['check', '--pre', '--kubeconfig', kubeconfigFor(url, dir.path)]);
    expect(r.code).toBe(1);
    expect(r.lines).toContain(`✗ Kubernetes API call failed: cannot reach the Kubernetes API at ${url}: connect ECONNREFUSED ${url.replace('http://', '')}`);
    expect(r.lines[r.lines.length - 1]).toBe('✗ prerequisites checks failed');
  });

  it('gives up at --timeout when the API server accepts but never answers', async () => {
    const silent = await serve(() => undefined);
    try {
      const r = await ferry(['check', '--pre', '--timeout', '1s', '--kubeconfig', kubeconfigFor(silent.url, dir.path)]);
      expect(r.code).toBe(1);
      expect(r.lines).toContain(`✗ Kubernetes API call failed: Kubernetes API at ${silent.url} did not answer within 1s`);
    } finally {
      await silent.close();
    }
  });

  it('fails on a Kubernetes older than 1.28', async () => {
    const old = await serve((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '27', gitVersion: 'v1.27.3' }));
    });
    try {
      const r = await ferry(['check', '--pre', '--kubeconfig', kubeconfigFor(old.url, dir.path)]);
      expect(r.code).toBe(1);
      expect(r.lines).toContain('✗ Kubernetes version 1.27.3 does not match >=1.28.0-0');
    } finally {
      await old.close();
    }
  });

  it('fails when kubectl is not on PATH', async () => {
    const r = await ferry(['check', '--pre', '--kubeconfig', dev.kubeconfig], { ...process.env, PATH: dir.path });
    expect(r.code).toBe(1);
    expect(r.lines).toContain('✗ kubectl not found in PATH');
    expect(r.lines).toContain('✔ Kubernetes 1.32.0-ferry.0 >=1.28.0-0');
  });
});

describe('ferry check', () => {
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster({ crds: false });
  });
  afterAll(() => dev.stop());

  it('fails naming each missing CRD, then passes once they are installed and Established', async () => {
    const before = await dev.ferry('check');
    expect(before.code).toBe(1);
    expect(before.lines).toContain('✗ gitrepositories.source.toolkit.fluxcd.io not found');
    expect(before.lines[before.lines.length - 1]).toBe('✗ check failed');

    for (const crd of fluxCustomResourceDefinitions()) {
      await dev.kube.apply(crd as never, { fieldManager: 'test' });
    }
    const after = await dev.ferry('check');
    expect(after.lines).toEqual(expect.arrayContaining([
      '► checking crds',
      '✔ gitrepositories.source.toolkit.fluxcd.io/v1',
      '✔ kustomizations.kustomize.toolkit.fluxcd.io/v1',
      '✔ providers.notification.toolkit.fluxcd.io/v1beta3',
      '✔ alerts.notification.toolkit.fluxcd.io/v1beta3',
      '✔ receivers.notification.toolkit.fluxcd.io/v1',
      '✔ all checks passed',
    ]));
    expect(after.code).toBe(0);
  });

  it('reports Ferry deployments that are not ready', async () => {
    const namespace = await dev.namespace();
    const deployment = (name: string, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'ferry' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'manager', image }] } },
      },
    });
    await dev.kube.apply(deployment('source', 'ferry/source:v1'), { fieldManager: 'test' });
    await dev.kube.apply(deployment('reconciler', 'ferry/fail:v1'), { fieldManager: 'test' });
    let r = await dev.ferry('check', '-n', namespace);
    for (let i = 0; i < 200 && !r.lines.includes('✔ source: deployment ready'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      r = await dev.ferry('check', '-n', namespace);
    }
    expect(r.lines).toContain('✔ source: deployment ready');
    expect(r.lines).toContain('► ferry/source:v1');
    expect(r.lines.some((line) => line.startsWith('✗ reconciler: deployment not ready'))).toBe(true);
    expect(r.code).toBe(1);
  });
});
