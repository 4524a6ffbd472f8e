import { GIT_REPOSITORY_API_VERSION, HELM_RELEASE_API_VERSION, HELM_SOURCE_API_VERSION, KUSTOMIZATION_API_VERSION, RECONCILE_REQUESTED_AT_ANNOTATION } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import { ferry, simulateController, startCliCluster, type CliCluster } from '../../test/cli-fixture';

const gitRepository = (namespace: string, name: string, suspend = false): KubeObject => ({
  apiVersion: GIT_REPOSITORY_API_VERSION,
  kind: 'GitRepository',
  metadata: { name, namespace },
  spec: { url: `https://example.com/${name}`, interval: '1m0s', ref: { branch: 'main' }, ...(suspend ? { suspend } : {}) },
});
const kustomization = (namespace: string, name: string, source: string): KubeObject => ({
  apiVersion: KUSTOMIZATION_API_VERSION,
  kind: 'Kustomization',
  metadata: { name, namespace },
  spec: { interval: '5m0s', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: source } },
});
const git = (namespace: string, name: string) => ({ apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository', namespace, name });
const ks = (namespace: string, name: string) => ({ apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace, name });

function columns(stdout: string): string[][] {
  // Every cell ends with a tab, as in flux's tables.
  return stdout.trimEnd().split('\n').map((line) => line.replace(/\t$/, '').split('\t').map((cell) => cell.trim()));
}

describe('ferry day-2 commands', () => {
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster();
  });
  afterAll(() => dev.stop());

  async function seed(namespace: string): Promise<void> {
    await dev.kube.apply(gitRepository(namespace, 'podinfo'), { fieldManager: 'test' });
    await dev.kube.apply(gitRepository(namespace, 'infra', true), { fieldManager: 'test' });
    await dev.kube.apply(kustomization(namespace, 'apps', 'podinfo'), { fieldManager: 'test' });
    await simulateController(dev.kube, git(namespace, 'podinfo'), { ready: true, message: "stored artifact for revision 'main@sha1:1111'", revision: 'main@sha1:1111', revisionField: 'artifact' });
    await simulateController(dev.kube, ks(namespace, 'apps'), { ready: false, message: 'health check failed', revision: 'main@sha1:0000' });
  }

  describe('get', () => {
    it('lists GitRepositories with NAME, REVISION, SUSPENDED, READY, MESSAGE', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const r = await dev.ferry('get', 'sources', 'git', '-n', namespace);
      expect(r.code).toBe(0);
      expect(columns(r.stdout)).toEqual([
        ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'],
        ['infra', '', 'True', 'False', 'waiting to be reconciled'],
        ['podinfo', 'main@sha1:1111', 'False', 'True', "stored artifact for revision 'main@sha1:1111'"],
      ]);
      // Columns are padded to one width, so the table lines up.
      const lines = r.stdout.split('\n');
      expect(lines[1]?.indexOf('\t')).toBe(lines[0]?.indexOf('\t'));
    });

    it('lists Kustomizations, across namespaces with -A', async () => {
      const first = await dev.namespace();
      const second = await dev.namespace();
      await seed(first);
      await seed(second);
      const r = await dev.ferry('get', 'kustomizations', '-A');
      const rows = columns(r.stdout);
      expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE']);
      expect(rows).toContainEqual([first, 'apps', 'main@sha1:0000', 'False', 'False', 'health check failed']);
      expect(rows).toContainEqual([second, 'apps', 'main@sha1:0000', 'False', 'False', 'health check failed']);
    });

    it('prints every kind with get all, names prefixed by kind', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const r = await dev.ferry('get', 'all', '-n', namespace);
      const [sources, kustomizations, rest] = r.stdout.split('\n\n');
      expect(rest).toBe('');
      expect(columns(sources ?? '').map((row) => row[0])).toEqual(['NAME', 'gitrepository/infra', 'gitrepository/podinfo']);
      expect(columns(kustomizations ?? '').map((row) => row[0])).toEqual(['NAME', 'kustomization/apps']);
    });

    it('says when there is nothing to list (exit code 0) and when a named object is missing (exit code 1)', async () => {
      const namespace = await dev.namespace();
      const empty = await dev.ferry('get', 'ks', '-n', namespace);
      expect(empty.code).toBe(0);
      expect(empty.lines).toEqual([`✗ no Kustomization objects found in "${namespace}" namespace`]);
      const missing = await dev.ferry('get', 'sources', 'git', 'nope', '-n', namespace);
      expect(missing.code).toBe(1);
      expect(missing.lines).toEqual([`✗ GitRepository object 'nope' not found in "${namespace}" namespace`]);
      const all = await dev.ferry('get', 'all', '-n', namespace);
      expect([all.code, all.stdout, all.stderr]).toEqual([0, '', '']);
    });

    it('names a kubeconfig that cannot be loaded', async () => {
      const r = await ferry(['get', 'ks', '--kubeconfig', '/nonexistent/kubeconfig']);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([expect.stringMatching(/^✗ cannot load kubeconfig \/nonexistent\/kubeconfig: .*ENOENT/)]);
    });

    it('filters by label and by status condition', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      await dev.kube.mergePatch(git(namespace, 'infra'), { metadata: { labels: { team: 'ops' } } });
      const labelled = await dev.ferry('get', 'sources', 'git', '-n', namespace, '-l', 'team=ops');
      expect(columns(labelled.stdout).map((row) => row[0])).toEqual(['NAME', 'infra']);
      const ready = await dev.ferry('get', 'sources', 'git', '-n', namespace, '--status-selector', 'ready=true');
      expect(columns(ready.stdout).map((row) => row[0])).toEqual(['NAME', 'podinfo']);
      const bad = await dev.ferry('get', 'sources', 'git', '-n', namespace, '--status-selector', 'ready');
      expect(bad.code).toBe(1);
      expect(bad.lines).toEqual(['✗ expected status selector in type=status format, but found: ready']);
    });
  });

  describe('reconcile', () => {
    it('annotates a GitRepository and waits until the controller handled the request', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const controller = simulateController(dev.kube, git(namespace, 'podinfo'), { ready: true, message: 'stored', revision: 'main@sha1:2222', revisionField: 'artifact' }, { onRequest: true });
      const r = await dev.ferry('reconcile', 'source', 'git', 'podinfo', '-n', namespace);
      await controller;
      expect(r.lines).toEqual([
        `► annotating GitRepository podinfo in ${namespace} namespace`,
        '✔ GitRepository annotated',
        '◎ waiting for GitRepository reconciliation',
        '✔ fetched revision main@sha1:2222',
      ]);
      expect(r.code).toBe(0);
      const stored = await dev.kube.get(git(namespace, 'podinfo'));
      expect(Date.parse(stored?.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION] ?? '')).not.toBeNaN();
    });

    it('reconciles the source first with --with-source', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const controllers = Promise.all([
        simulateController(dev.kube, git(namespace, 'podinfo'), { ready: true, message: 'stored', revision: 'main@sha1:3333', revisionField: 'artifact' }, { onRequest: true }),
        simulateController(dev.kube, ks(namespace, 'apps'), { ready: true, message: 'Applied revision: main@sha1:3333', revision: 'main@sha1:3333' }, { onRequest: true }),
      ]);
      const r = await dev.ferry('reconcile', 'kustomization', 'apps', '--with-source', '-n', namespace);
      await controllers;
      expect(r.lines).toEqual([
        `► annotating GitRepository podinfo in ${namespace} namespace`,
        '✔ GitRepository annotated',
        '◎ waiting for GitRepository reconciliation',
        '✔ fetched revision main@sha1:3333',
        `► annotating Kustomization apps in ${namespace} namespace`,
        '✔ Kustomization annotated',
        '◎ waiting for Kustomization reconciliation',
        '✔ applied revision main@sha1:3333',
      ]);
      expect(r.code).toBe(0);
    });

    it('fails with the Ready message when the reconcile fails', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const controller = simulateController(dev.kube, ks(namespace, 'apps'), { ready: false, message: 'Deployment/default/web not ready' }, { onRequest: true });
      const r = await dev.ferry('reconcile', 'ks', 'apps', '-n', namespace);
      await controller;
      expect(r.code).toBe(1);
      expect(r.lines[r.lines.length - 1]).toBe(`✗ Kustomization apps in ${namespace} namespace is not ready: Deployment/default/web not ready`);
    });

    it('refuses a suspended object and names a missing one', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const suspended = await dev.ferry('reconcile', 'source', 'git', 'infra', '-n', namespace);
      expect(suspended.code).toBe(1);
      expect(suspended.lines).toEqual([`✗ GitRepository infra in ${namespace} namespace is suspended: resume it first`]);
      const missing = await dev.ferry('reconcile', 'ks', 'nope', '-n', namespace);
      expect(missing.code).toBe(1);
      expect(missing.lines).toEqual([`✗ Kustomization nope not found in ${namespace} namespace`]);
    });
  });

  describe('suspend, resume, delete', () => {
    it('suspends and resumes a Kustomization, waiting for the reconcile on resume', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const suspended = await dev.ferry('suspend', 'kustomization', 'apps', '-n', namespace);
      expect(suspended.lines).toEqual([`► suspending kustomization apps in ${namespace} namespace`, '✔ kustomization suspended']);
      expect((await dev.kube.get(ks(namespace, 'apps')))?.['spec']).toMatchObject({ suspend: true });

      const controller = simulateController(dev.kube, ks(namespace, 'apps'), { ready: true, message: 'Applied', revision: 'main@sha1:4444' }, { onRequest: true });
      const resumed = await dev.ferry('resume', 'ks', 'apps', '-n', namespace);
      await controller;
      expect(resumed.lines).toEqual([
        `► resuming kustomization apps in ${namespace} namespace`,
        '✔ kustomization resumed',
        '◎ waiting for Kustomization reconciliation',
        '✔ Kustomization reconciliation completed',
        '✔ applied revision main@sha1:4444',
      ]);
      expect((await dev.kube.get(ks(namespace, 'apps')))?.['spec']).toMatchObject({ suspend: false });
    });

    it('suspends a GitRepository source', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const r = await dev.ferry('suspend', 'source', 'git', 'podinfo', '-n', namespace);
      expect(r.lines).toEqual([`► suspending source git podinfo in ${namespace} namespace`, '✔ source git suspended']);
      expect((await dev.kube.get(git(namespace, 'podinfo')))?.['spec']).toMatchObject({ suspend: true });
    });

    it('deletes with --silent, and refuses without confirmation when there is no terminal', async () => {
      const namespace = await dev.namespace();
      await seed(namespace);
      const refused = await dev.ferry('delete', 'source', 'git', 'podinfo', '-n', namespace);
      expect(refused.code).toBe(1);
      expect(refused.lines).toEqual([`✗ deletion of GitRepository podinfo cancelled`]);
      expect(await dev.kube.get(git(namespace, 'podinfo'))).toBeDefined();

      const r = await dev.ferry('delete', 'source', 'git', 'podinfo', '--silent', '-n', namespace);
      expect(r.lines).toEqual([`► deleting source git podinfo in ${namespace} namespace`, '✔ source git deleted']);
      expect(await dev.kube.get(git(namespace, 'podinfo'))).toBeUndefined();

      const again = await dev.ferry('delete', 'ks', 'nope', '-s', '-n', namespace);
      expect(again.code).toBe(1);
      expect(again.lines).toEqual([`✗ Kustomization nope not found in ${namespace} namespace`]);
    });
  });
});

describe('ferry day-2 commands for notification objects', () => {
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster();
  });
  afterAll(() => dev.stop());

  const receiver = (namespace: string) => ({ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace, name: 'github' });

  async function seed(namespace: string): Promise<void> {
    expect((await dev.ferry('create', 'alert-provider', 'slack', '-n', namespace, '--type', 'slack')).code).toBe(0);
    expect((await dev.ferry('create', 'alert', 'ops', '-n', namespace, '--provider-ref', 'slack', '--event-source', 'Kustomization/*')).code).toBe(0);
    const controller = simulateController(dev.kube, receiver(namespace), {
      ready: true,
      message: 'Receiver initialized for path: /hook/abc',
      extra: { webhookPath: '/hook/abc' },
    });
    const created = await dev.ferry('create', 'receiver', 'github', '-n', namespace, '--type', 'github', '--secret-ref', 'token', '--resource', 'GitRepository/apps');
    await controller;
    expect(created.lines.slice(-3)).toEqual(['◎ waiting for Receiver reconciliation', '✔ Receiver github is ready', '✔ generated webhook URL /hook/abc']);
    expect(created.code).toBe(0);
  }

  it('lists alerts, providers and receivers with flux columns', async () => {
    const namespace = await dev.namespace();
    await seed(namespace);
    expect(columns((await dev.ferry('get', 'alerts', '-n', namespace)).stdout)).toEqual([
      ['NAME', 'SUSPENDED', 'READY', 'MESSAGE'],
      ['ops', 'False', 'True', 'Alert is Ready'],
    ]);
    expect(columns((await dev.ferry('get', 'alert-providers', '-n', namespace)).stdout)).toEqual([
      ['NAME', 'READY', 'MESSAGE'],
      ['slack', 'True', 'Provider is Ready'],
    ]);
    expect(columns((await dev.ferry('get', 'receivers', '-n', namespace)).stdout)).toEqual([
      ['NAME', 'SUSPENDED', 'READY', 'MESSAGE'],
      ['github', 'False', 'True', 'Receiver initialized for path: /hook/abc'],
    ]);
    const none = await dev.ferry('get', 'alerts', '-n', namespace, '--status-selector', 'ready=true');
    expect(none.lines).toEqual([`✗ no Alert objects found in "${namespace}" namespace`]);
  });

  it('suspends, resumes, reconciles and deletes them', async () => {
    const namespace = await dev.namespace();
    await seed(namespace);
    const suspended = await dev.ferry('suspend', 'alert', 'ops', '-n', namespace);
    expect(suspended.lines).toEqual([`► suspending alert ops in ${namespace} namespace`, '✔ alert suspended']);
    const resumed = await dev.ferry('resume', 'alert', 'ops', '-n', namespace);
    expect(resumed.lines).toEqual([`► resuming alert ops in ${namespace} namespace`, '✔ alert resumed']);

    const controller = simulateController(dev.kube, receiver(namespace), { ready: true, message: 'ok' }, { onRequest: true });
    const reconciled = await dev.ferry('reconcile', 'receiver', 'github', '-n', namespace);
    await controller;
    expect(reconciled.lines).toEqual([
      `► annotating Receiver github in ${namespace} namespace`,
      '✔ Receiver annotated',
      '◎ waiting for Receiver reconciliation',
      '✔ generated webhook URL /hook/abc',
    ]);
    expect(reconciled.code).toBe(0);

    for (const [args, line] of [
      [['delete', 'alert', 'ops'], '✔ alert deleted'],
      [['delete', 'alert-provider', 'slack'], '✔ alert provider deleted'],
      [['delete', 'receiver', 'github'], '✔ receiver deleted'],
    ] as const) {
      const r = await dev.ferry(...args, '--silent', '-n', namespace);
      expect(r.lines[r.lines.length - 1]).toBe(line);
    }
    expect(await dev.kube.get(receiver(namespace))).toBeUndefined();
  });
});

describe('ferry day-2 commands for Helm objects', () => {
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster();
  });
  afterAll(() => dev.stop());

  const helmRepo = (namespace: string) => ({ apiVersion: HELM_SOURCE_API_VERSION, kind: 'HelmRepository', namespace, name: 'charts' });
  const helmChart = (namespace: string) => ({ apiVersion: HELM_SOURCE_API_VERSION, kind: 'HelmChart', namespace, name: `${namespace}-podinfo` });
  const helmRelease = (namespace: string) => ({ apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', namespace, name: 'podinfo' });

  /** A HelmRepository, the HelmChart helm-controller would generate, and a HelmRelease, as their controllers leave them. */
  async function seed(namespace: string): Promise<void> {
    await dev.kube.apply({ ...helmRepo(namespace), metadata: { name: 'charts', namespace }, spec: { url: 'https://example.com/charts', interval: '10m0s' } } as KubeObject, { fieldManager: 'test' });
    await dev.kube.apply(
      { ...helmChart(namespace), metadata: { name: `${namespace}-podinfo`, namespace }, spec: { chart: 'podinfo', version: '6.x', interval: '10m0s', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } as KubeObject,
      { fieldManager: 'test' },
    );
    await dev.kube.apply(
      { ...helmRelease(namespace), metadata: { name: 'podinfo', namespace }, spec: { interval: '10m0s', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } } } as KubeObject,
      { fieldManager: 'test' },
    );
    await simulateController(dev.kube, helmRepo(namespace), { ready: true, message: `stored artifact: revision 'sha256:${'a'.repeat(64)}'`, revision: `sha256:${'a'.repeat(64)}`, revisionField: 'artifact' });
    await simulateController(dev.kube, helmChart(namespace), { ready: true, message: "pulled 'podinfo' chart with version '6.5.0'", revision: '6.5.0', revisionField: 'artifact' });
    await simulateController(dev.kube, helmRelease(namespace), {
      ready: true,
      message: 'Helm install succeeded for release default/podinfo.v1 with chart podinfo@6.5.0',
      extra: { history: [{ chartVersion: '6.5.0', chartName: 'podinfo', version: 1, status: 'deployed', name: 'podinfo', namespace, digest: 'x', configDigest: 'y', firstDeployed: 'z', lastDeployed: 'z' }] },
    });
  }

  it('lists HelmRepositories, HelmCharts and HelmReleases with their revisions, and all of them with get all', async () => {
    const namespace = await dev.namespace();
    await seed(namespace);
    expect(columns((await dev.ferry('get', 'sources', 'helm', '-n', namespace)).stdout)).toEqual([
      ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'],
      ['charts', `sha256:${'a'.repeat(64)}`, 'False', 'True', `stored artifact: revision 'sha256:${'a'.repeat(64)}'`],
    ]);
    expect(columns((await dev.ferry('get', 'sources', 'chart', '-n', namespace)).stdout)[1]).toEqual([`${namespace}-podinfo`, '6.5.0', 'False', 'True', "pulled 'podinfo' chart with version '6.5.0'"]);
    expect(columns((await dev.ferry('get', 'hr', '-n', namespace)).stdout)[1]).toEqual(['podinfo', '6.5.0', 'False', 'True', 'Helm install succeeded for release default/podinfo.v1 with chart podinfo@6.5.0']);
    const all = (await dev.ferry('get', 'all', '-n', namespace)).stdout.split('\n\n');
    expect(all.map((table) => columns(table)[1]?.[0])).toEqual(['helmrepository/charts', `helmchart/${namespace}-podinfo`, 'helmrelease/podinfo', undefined]);
  });

  it('reconciles a HelmRelease with its chart first (--with-source) and suspends it', async () => {
    const namespace = await dev.namespace();
    await seed(namespace);
    const controllers = Promise.all([
      simulateController(dev.kube, helmChart(namespace), { ready: true, message: 'pulled', revision: '6.6.0', revisionField: 'artifact' }, { onRequest: true }),
      simulateController(
        dev.kube,
        helmRelease(namespace),
        { ready: true, message: 'Helm upgrade succeeded', extra: { history: [{ chartVersion: '6.6.0', chartName: 'podinfo', version: 2, status: 'deployed', name: 'podinfo', namespace, digest: 'x', configDigest: 'y', firstDeployed: 'z', lastDeployed: 'z' }] } },
        { onRequest: true },
      ),
    ]);
    const r = await dev.ferry('reconcile', 'hr', 'podinfo', '--with-source', '-n', namespace);
    await controllers;
    expect(r.lines).toEqual([
      `► annotating HelmChart ${namespace}-podinfo in ${namespace} namespace`,
      '✔ HelmChart annotated',
      '◎ waiting for HelmChart reconciliation',
      '✔ fetched revision 6.6.0',
      `► annotating HelmRelease podinfo in ${namespace} namespace`,
      '✔ HelmRelease annotated',
      '◎ waiting for HelmRelease reconciliation',
      '✔ applied revision 6.6.0',
    ]);
    expect(r.code).toBe(0);

    const suspended = await dev.ferry('suspend', 'hr', 'podinfo', '-n', namespace);
    expect(suspended.lines).toEqual([`► suspending helmrelease podinfo in ${namespace} namespace`, '✔ helmrelease suspended']);
    expect((await dev.kube.get(helmRelease(namespace)))?.['spec']).toMatchObject({ suspend: true });
    const deleted = await dev.ferry('delete', 'source', 'helm', 'charts', '-s', '-n', namespace);
    expect(deleted.lines).toEqual([`► deleting source helm charts in ${namespace} namespace`, '✔ source helm deleted']);
    expect(await dev.kube.get(helmRepo(namespace))).toBeUndefined();
  });
});
