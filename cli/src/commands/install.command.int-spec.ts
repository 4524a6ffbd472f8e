import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '@ferry/testing';
import { ferry, kubectl, startCliCluster, type CliCluster } from '../../test/cli-fixture';

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}


async function exported(...flags: string[]): Promise<Manifest[]> {
  const r = await ferry(['install', '--export', ...flags]);
  expect(r.code).toBe(0);
  return parseAllDocuments(r.stdout).map((doc) => doc.toJS() as Manifest).filter(Boolean);
}

describe('ferry install --export', () => {
  it('generates the namespace, CRDs, RBAC, workloads, services and network policies', async () => {
    const manifests = await exported('-n', 'ferry-system');
    const ids = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(ids).toEqual(expect.arrayContaining([
      'Namespace/ferry-system',
      'CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io',
      'CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io',
      'CustomResourceDefinition/receivers.notification.toolkit.fluxcd.io',
      'ServiceAccount/source', 'ServiceAccount/reconciler', 'ServiceAccount/notifier',
      'ClusterRole/ferry-source-ferry-system', 'ClusterRoleBinding/ferry-cluster-reconciler-ferry-system',
      'Deployment/source', 'Deployment/reconciler', 'Deployment/notifier',
      'Service/source', 'Service/notifier', 'Service/nats', 'StatefulSet/nats',
      'NetworkPolicy/allow-egress', 'NetworkPolicy/allow-scraping', 'NetworkPolicy/allow-webhooks',
    ]));
    for (const m of manifests.filter((m) => m.kind !== 'Namespace' && !m.kind.startsWith('Cluster') && m.kind !== 'CustomResourceDefinition')) {
      expect(`${m.kind}/${m.metadata.name} in ${m.metadata.namespace}`).toBe(`${m.kind}/${m.metadata.name} in ferry-system`);
    }
  });

  it('grants each component only its own kinds (no wildcards); only the reconciler is bound to cluster-admin', async () => {
    const manifests = (await exported()) as Array<Manifest & { rules?: Array<{ resources: string[]; verbs: string[] }>; roleRef?: { name: string }; subjects?: Array<{ name: string }> }>;
    for (const role of manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')) {
      for (const rule of role.rules ?? []) {
        expect(`${role.metadata.name}: ${rule.resources.join(',')} ${rule.verbs.join(',')}`).not.toContain('*');
      }
    }
    const source = manifests.find((m) => m.metadata.name === 'ferry-source-flux-system' && m.kind === 'ClusterRole');
    expect(source?.rules?.flatMap((rule) => rule.resources)).not.toContain('kustomizations');
    const admins = manifests.filter((m) => m.kind === 'ClusterRoleBinding' && m.roleRef?.name === 'cluster-admin');
    expect(admins.map((m) => m.subjects?.[0]?.name)).toEqual(['reconciler']);
  });

  it('runs every component non-root with probes on /healthz and /readyz and resource limits', async () => {
    const deployments = (await exported()).filter((m) => m.kind === 'Deployment');
    expect(deployments).toHaveLength(3);
    for (const d of deployments) {
      type Container = { securityContext: unknown; livenessProbe: Probe; readinessProbe: Probe; resources: { limits?: unknown }; env: unknown[]; image: string };
      type Probe = { httpGet: { path: string } };
      const pod = (d.spec as { template: { spec: { securityContext: Record<string, unknown>; containers: Container[] } } }).template.spec;
      const container = pod.containers[0]!;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.resources.limits).toBeDefined();
      expect(container.env).toContainEqual({ name: 'NATS_URL', value: 'nats://nats.flux-system.svc:4222' });
      expect(container.image).toMatch(new RegExp(`^ghcr\\.io/ferry/${d.metadata.name}:v\\d+\\.\\d+\\.\\d+`));
    }
    const nats = (await exported()).find((m) => m.kind === 'StatefulSet');
    expect(JSON.stringify(nats)).toContain('--jetstream');
  });

  describe('against the dev cluster', () => {
    let dev: CliCluster;
    const home = tempDir('ferry-kubectl-');
    beforeAll(async () => {
      dev = await startCliCluster({ crds: false });
    });
    afterAll(async () => {
      await dev.stop();
      home.remove();
    });

    it('is accepted by kubectl apply --dry-run=server', async () => {
      // A server dry run stores nothing, so the namespace its objects go to must exist already (as on a real cluster).
      await dev.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ferry-dry' } }, { fieldManager: 'test' });
      const r = await ferry(['install', '--export', '-n', 'ferry-dry']);
      const applied = await kubectl(
        ['apply', '--server-side', '--dry-run=server', '-f', '-', '--kubeconfig', dev.kubeconfig, '--cache-dir', join(home.path, 'cache')],
        r.stdout,
        { ...process.env, HOME: home.path },
      );
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      expect(applied.stdout).toContain('deployment.apps/source serverside-applied (server dry run)');
      expect(applied.stdout).toContain('statefulset.apps/nats serverside-applied (server dry run)');
      expect(await dev.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ferry-dry', name: 'source' })).toBeUndefined();
    });

    it('fails naming the components that do not become ready', async () => {
      const r = await dev.ferry('install', '-n', 'ferry-broken', '--registry', 'registry.example/fail', '--timeout', '20s');
      expect(r.code).toBe(1);
      expect(r.lines).toContain('◎ verifying installation');
      expect(r.lines.some((line) => /^✗ Deployment\/ferry-broken\/(source|reconciler|notifier) status: 'Failed'/.test(line))).toBe(true);
      expect(r.lines[r.lines.length - 1]).toBe('✗ install failed: components are not ready');
      await dev.ferry('uninstall', '--silent', '-n', 'ferry-broken');
    });

    it('installs, waits for the components, passes check, then uninstalls', async () => {
      const install = await dev.ferry('install', '-n', 'ferry-live');
      expect(install.code).toBe(0);
      expect(install.stdout).toContain('Deployment/ferry-live/source created');
      expect(install.lines).toEqual(expect.arrayContaining([
        '► installing components in ferry-live namespace',
        '◎ verifying installation',
        '✔ source: deployment ready',
        '✔ reconciler: deployment ready',
        '✔ notifier: deployment ready',
        '✔ nats: statefulset ready',
      ]));

      const check = await dev.ferry('check', '-n', 'ferry-live');
      expect(check.lines).toEqual(expect.arrayContaining(['✔ source: deployment ready', '✔ nats: statefulset ready', '► nats:2.10-alpine', '✔ gitrepositories.source.toolkit.fluxcd.io/v1', '✔ all checks passed']));
      expect(check.code).toBe(0);

      const again = await dev.ferry('install', '-n', 'ferry-live');
      expect(again.stdout).toContain('Deployment/ferry-live/source unchanged');

      const refused = await dev.ferry('uninstall', '-n', 'ferry-live');
      expect(refused.code).toBe(1);
      const uninstall = await dev.ferry('uninstall', '--silent', '-n', 'ferry-live');
      expect(uninstall.code).toBe(0);
      expect(uninstall.lines).toEqual(expect.arrayContaining(['✔ Deployment/ferry-live/source deleted', '✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted', '✔ uninstall finished']));
      expect(await dev.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ferry-live', name: 'source' })).toBeUndefined();
    });
  });
});
