import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HelmRepositoryServer, podinfoLikeChart, tempDir, uniqueSuffix } from '@ferry/testing';
import { ferry, kubectl, startCliCluster, startPlatformServices, type CliCluster, type PlatformServices } from '../test/cli-fixture';

// Issue 10's demo, every piece real: a podinfo-like chart in a loopback Helm repository, the source service
// packaging it as a HelmChart artifact, the reconciler installing, upgrading, rolling back and uninstalling it as
// helm-controller does — all checked with the real kubectl.
describe('HelmRelease end to end: HelmRepository → HelmChart → release, with the source and reconciler services', () => {
  const dir = tempDir('ferry-helm-e2e-');
  let cli: CliCluster;
  let helm: HelmRepositoryServer;
  let platform: PlatformServices | undefined;
  let namespace: string;

  beforeAll(async () => {
    cli = await startCliCluster();
    helm = await HelmRepositoryServer.start();
    helm.publish(podinfoLikeChart('6.5.0'));
    platform = await startPlatformServices(['source', 'reconciler'], cli.kubeconfig, dir.path);
    namespace = await cli.namespace();
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await helm?.stop();
    await cli?.stop();
    dir.remove();
  });

  const logs = () => (platform?.processes ?? []).flatMap((service) => service.lines.slice(-15)).join('\n');
  const kube = async (args: string[], input = '') => {
    const result = await kubectl(args, input, { ...process.env, KUBECONFIG: cli.kubeconfig });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const eventually = async (what: string, probe: () => Promise<string>, done: (value: string) => boolean, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch((error: unknown) => String(error));
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${value}\n${logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const ready = () => kube(['get', 'helmrelease', 'podinfo', '-n', namespace, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].message}']);
  const secrets = async () =>
    (await kube(['get', 'secrets', '-n', namespace, '-l', 'owner=helm,name=podinfo', '-o', 'jsonpath={range .items[*]}{.metadata.labels.version}={.metadata.labels.status}{"\\n"}{end}']))
      .split('\n')
      .filter(Boolean)
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));

  it('installs the chart from the repository, upgrades it, rolls a failed upgrade back and uninstalls it', async () => {
    await kube(
      ['apply', '-f', '-'],
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: ${namespace}
spec:
  url: ${helm.url}
  interval: 1m
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: ${namespace}
spec:
  interval: 10m
  timeout: 5s
  chart:
    spec:
      chart: podinfo
      version: ">=6.0.0"
      sourceRef:
        kind: HelmRepository
        name: podinfo
  upgrade:
    remediation:
      retries: 1
  values:
    replicaCount: 2
`,
    );
    const installed = await eventually('the install', ready, (v) => v.startsWith('True'), 90_000);
    expect(installed).toBe(`True Helm install succeeded for release ${namespace}/podinfo.v1 with chart podinfo@6.5.0`);
    expect(await kube(['get', 'deployment', 'podinfo', '-n', namespace, '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe('2 ghcr.io/stefanprodan/podinfo:6.5.0');
    expect(await kube(['get', 'deployment', 'podinfo', '-n', namespace, '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}'])).toBe('Helm');
    expect(await secrets()).toEqual(['1=deployed']);

    await kube(['patch', 'helmrelease', 'podinfo', '-n', namespace, '--type', 'merge', '-p', '{"spec":{"values":{"replicaCount":3}}}']);
    await eventually('the upgrade', ready, (v) => v.includes('podinfo.v2'));
    expect(await kube(['get', 'deployment', 'podinfo', '-n', namespace, '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
    expect(await secrets()).toEqual(['1=superseded', '2=deployed']);

    await kube(['patch', 'helmrelease', 'podinfo', '-n', namespace, '--type', 'merge', '-p', '{"spec":{"values":{"image":{"repository":"registry.example/fail"}}}}']);
    const stalled = await eventually(
      'the rollback',
      () => kube(['get', 'helmrelease', 'podinfo', '-n', namespace, '-o', 'jsonpath={.status.conditions[?(@.type=="Stalled")].reason} {.status.conditions[?(@.type=="Ready")].reason}']),
      (v) => v.startsWith('RetriesExceeded'),
      90_000,
    );
    expect(stalled).toBe('RetriesExceeded RollbackSucceeded');
    expect(await kube(['get', 'deployment', 'podinfo', '-n', namespace, '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe('3 ghcr.io/stefanprodan/podinfo:6.5.0');
    expect((await secrets()).filter((s) => s.endsWith('=deployed'))).toHaveLength(1);

    await kube(['delete', 'helmrelease', 'podinfo', '-n', namespace, '--wait=false']);
    await eventually('the uninstall', async () => (await secrets()).join(','), (v) => v === '');
    expect((await kube(['get', 'deployments,services', '-n', namespace, '-o', 'name'])).trim()).toBe('');
    expect((await kube(['get', 'helmcharts', '-n', namespace, '-o', 'name'])).trim()).toBe('');
  }, 240_000);
  it('is driven with the ferry CLI: create source helm / helmrelease, a new chart version through reconcile --with-source, delete', async () => {
    const ns = await cli.namespace();
    const target = `web-${uniqueSuffix()}`;
    const run = async (...args: string[]) => {
      const result = await ferry([...args, '-n', ns, '--kubeconfig', cli.kubeconfig, '--timeout', '90s']);
      return { ...result, transcript: `${result.stderr}${result.code === 0 ? '' : logs()}` };
    };
    const charts = await HelmRepositoryServer.start();
    try {
      charts.publish(podinfoLikeChart('1.0.0'));
      const source = await run('create', 'source', 'helm', 'charts', '--url', charts.url, '--interval', '1m');
      expect(source.transcript).toContain('✔ fetched revision: sha256:');

      const values = join(dir.path, `values-${uniqueSuffix()}.yaml`);
      writeFileSync(values, 'replicaCount: 2\nui:\n  message: from the CLI\n');
      const release = await run(
        'create', 'hr', 'web', '--source', 'HelmRepository/charts', '--chart', 'podinfo', '--chart-version', '1.x',
        '--target-namespace', target, '--create-target-namespace', '--values', values,
      );
      expect(release.transcript).toContain('✔ HelmRelease web is ready');
      expect(release.transcript).toContain('✔ applied revision 1.0.0');
      const deployment = (path: string) => kube(['get', 'deployment', '-n', target, '-l', 'app.kubernetes.io/instance=' + `${target}-web`, '-o', `jsonpath={.items[0]${path}}`]);
      expect(await deployment('.spec.replicas')).toBe('2');
      expect(await deployment('.spec.template.spec.containers[0].env[1].value')).toBe('from the CLI');

      // A new chart version in the repository: reconciling the release with its source picks it up.
      charts.publish(podinfoLikeChart('1.1.0'));
      expect((await run('reconcile', 'source', 'helm', 'charts')).transcript).toContain('✔ fetched revision sha256:');
      const upgraded = await run('reconcile', 'hr', 'web', '--with-source');
      expect(upgraded.transcript).toContain('✔ fetched revision 1.1.0');
      expect(upgraded.transcript).toContain('✔ applied revision 1.1.0');
      expect(await deployment('.spec.template.spec.containers[0].image')).toBe('ghcr.io/stefanprodan/podinfo:1.1.0');
      expect((await run('get', 'hr')).stdout).toMatch(/web\s+1\.1\.0\s+False\s+True\s+Helm upgrade succeeded/);

      const deleted = await run('delete', 'hr', 'web', '--silent');
      expect(deleted.code).toBe(0);
      await eventually('the uninstall', () => kube(['get', 'deployments,services', '-n', target, '-o', 'name']), (names) => names.trim() === '');
    } finally {
      await charts.stop();
    }
  }, 240_000);
});
