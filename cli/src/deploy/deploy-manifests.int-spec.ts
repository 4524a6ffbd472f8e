import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { tempDir } from '@ferry/testing';
import { kubectl, startCliCluster, type CliCluster } from '../../test/cli-fixture';

const ROOT = join(__dirname, '..', '..', '..');
const DEPLOY = join(ROOT, 'deploy');

/** The prometheus-operator kinds deploy/ uses, reduced to what the API server needs to serve them. */
function monitoringCrd(kind: string, plural: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        },
      ],
    },
  };
}

/** `Kind/name` of every object in the top-level manifests of deploy/ (what `kubectl apply -f deploy/` reads). */
function deployObjects(): string[] {
  return readdirSync(DEPLOY)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) => parseAllDocuments(readFileSync(join(DEPLOY, name), 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string } }))
    .map((object) => `${object.kind.toLowerCase()}/${object.metadata.name}`);
}

describe('deploy/ against a Kubernetes API server', () => {
  let cluster: CliCluster;
  let home: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(home.path, 'cache'), ...args], '', env);
  const applyStdin = (objects: unknown[]) =>
    kubectl(['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(home.path, 'cache'), 'apply', '-f', '-'], objects.map((o) => `---\n${stringify(o)}`).join(''), env);

  beforeAll(async () => {
    cluster = await startCliCluster({ crds: false });
    home = tempDir('ferry-deploy-');
    env = { ...process.env, HOME: home.path, KUBECONFIG: cluster.kubeconfig };
    // A server dry run creates nothing, so what later objects need (their namespace, their kinds) must exist first.
    const crds = await run('apply', '-f', join(DEPLOY, 'crds.yaml'));
    expect(crds.stderr).toBe('');
    const namespace = await applyStdin([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }]);
    expect(namespace.status).toBe(0);
  });

  afterAll(async () => {
    await cluster.stop();
    home.remove();
  });

  it('rejects the ServiceMonitor and PrometheusRule until their CRDs exist, then accepts every manifest (kubectl apply --dry-run=server -f deploy/)', async () => {
    const withoutMonitoring = await run('apply', '--dry-run=server', '-f', `${DEPLOY}/`);
    expect(withoutMonitoring.status).not.toBe(0);
    // kubectl validates each file against the server's OpenAPI first: the kinds are unknown, so it names the file.
    expect(withoutMonitoring.stderr).toContain(`${DEPLOY}/monitoring.yaml`);

    const crds = await applyStdin([monitoringCrd('ServiceMonitor', 'servicemonitors'), monitoringCrd('PrometheusRule', 'prometheusrules')]);
    expect(crds.status).toBe(0);
    const result = await run('apply', '--dry-run=server', '-f', `${DEPLOY}/`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // kubectl prints `kind.group/name created (server dry run)`.
    const accepted = result.stdout.trim().split('\n').map((line) => {
      const id = line.split(' ')[0] ?? '';
      return `${id.slice(0, id.indexOf('/')).split('.')[0]}${id.slice(id.indexOf('/'))}`;
    });
    expect(accepted.sort()).toEqual(deployObjects().sort());
    for (const line of result.stdout.trim().split('\n')) expect(line).toMatch(/\((server dry run)\)$/);
  });

  it('builds the same objects with kustomize (kubectl kustomize deploy/)', async () => {
    const result = await run('kustomize', DEPLOY);
    expect(result.stderr).toBe('');
    const built = parseAllDocuments(result.stdout)
      .map((doc) => doc.toJS() as { kind: string; metadata: { name: string } })
      .map((object) => `${object.kind.toLowerCase()}/${object.metadata.name}`);
    expect(built.sort()).toEqual(deployObjects().sort());
  });
});
