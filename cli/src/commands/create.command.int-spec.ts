import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GIT_REPOSITORY_API_VERSION, KUSTOMIZATION_API_VERSION } from '@ferry/contracts';
import { GitSshServer, generateSshKeyPair, tempDir } from '@ferry/testing';
import { ferry, kubectl, simulateController, startCliCluster, type CliCluster } from '../../test/cli-fixture';


describe('ferry create --export', () => {
  it('prints a GitRepository as flux does: leading ---, sorted keys, Go durations', async () => {
    const r = await ferry(['create', 'source', 'git', 'podinfo', '--url', 'https://github.com/stefanprodan/podinfo', '--branch', 'main', '--interval', '1m', '--export']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '---',
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata:',
        '  name: podinfo',
        '  namespace: flux-system',
        'spec:',
        '  interval: 1m0s',
        '  ref:',
        '    branch: main',
        '  url: https://github.com/stefanprodan/podinfo',
        '',
      ].join('\n'),
    );
  });

  it('picks the ref as flux does: commit (with its branch) over ref name over semver over tag over branch', async () => {
    const spec = async (...flags: string[]) =>
      (parse((await ferry(['create', 'source', 'git', 'app', '--url', 'ssh://git@example.com/app', '--export', ...flags])).stdout) as { spec: Record<string, unknown> }).spec;
    expect((await spec('--branch', 'main', '--commit', 'c88a2f41')).ref).toEqual({ branch: 'main', commit: 'c88a2f41' });
    expect((await spec('--tag', 'v1.0.0', '--commit', 'abc')).ref).toEqual({ commit: 'abc' });
    expect((await spec('--ref-name', 'refs/heads/main', '--tag-semver', '>=1.0.0')).ref).toEqual({ name: 'refs/heads/main' });
    expect((await spec('--tag', 'v1.0.0', '--tag-semver', '>=1.0.0')).ref).toEqual({ semver: '>=1.0.0' });
    expect((await spec('--tag', 'v1.0.0', '--branch', 'main')).ref).toEqual({ tag: 'v1.0.0' });
    expect((await spec('--branch', 'main', '--secret-ref', 'git-auth')).secretRef).toEqual({ name: 'git-auth' });
    const labelled = await ferry(['create', 'source', 'git', 'app', '--url', 'https://e.com/app', '--branch', 'main', '--label', 'team=ops,tier=web', '--export']);
    expect((parse(labelled.stdout) as { metadata: unknown }).metadata).toEqual({ name: 'app', namespace: 'flux-system', labels: { team: 'ops', tier: 'web' } });
  });

  it('prints a Kustomization with every flag, lists unindented as sigs.k8s.io/yaml writes them', async () => {
    const r = await ferry([
      'create', 'kustomization', 'podinfo', '-n', 'apps', '--source', 'GitRepository/podinfo', '--path', './kustomize', '--prune',
      '--interval', '10m', '--target-namespace', 'default', '--depends-on', 'infra,ops/crds',
      '--health-check', 'Deployment/podinfo.default', '--health-check-timeout', '3m', '--export',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata:',
        '  name: podinfo',
        '  namespace: apps',
        'spec:',
        '  dependsOn:',
        '  - name: infra',
        '  - name: crds',
        '    namespace: ops',
        '  healthChecks:',
        '  - kind: Deployment',
        '    name: podinfo',
        '    namespace: default',
        '  interval: 10m0s',
        '  path: ./kustomize',
        '  prune: true',
        '  sourceRef:',
        '    kind: GitRepository',
        '    name: podinfo',
        '  targetNamespace: default',
        '  timeout: 3m0s',
        '',
      ].join('\n'),
    );
  });

  it('drops explicit health checks with --wait, as flux does, and bounds the wait with the health check timeout', async () => {
    const r = await ferry(['create', 'ks', 'podinfo', '--source', 'podinfo', '--wait', '--health-check', 'Deployment/podinfo.default', '--export']);
    const spec = (parse(r.stdout) as { spec: Record<string, unknown> }).spec;
    expect(spec).toEqual({ interval: '1m0s', path: './', prune: false, sourceRef: { kind: 'GitRepository', name: 'podinfo' }, timeout: '2m0s', wait: true });
  });

  it('prints notification objects at notification v1beta3 (Provider, Alert) and v1 (Receiver)', async () => {
    const provider = await ferry(['create', 'alert-provider', 'slack', '--type', 'slack', '--channel', 'general', '--secret-ref', 'slack-url', '--export']);
    expect(parse(provider.stdout)).toEqual({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'slack', namespace: 'flux-system' },
      spec: { channel: 'general', secretRef: { name: 'slack-url' }, type: 'slack' },
    });
    const alert = await ferry(['create', 'alert', 'on-call', '--provider-ref', 'slack', '--event-severity', 'error', '--event-source', 'GitRepository/*,Kustomization/podinfo', '--export']);
    expect(parse(alert.stdout)).toEqual({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'on-call', namespace: 'flux-system' },
      spec: {
        eventSeverity: 'error',
        eventSources: [{ kind: 'GitRepository', name: '*' }, { kind: 'Kustomization', name: 'podinfo' }],
        providerRef: { name: 'slack' },
      },
    });
    const receiver = await ferry(['create', 'receiver', 'github', '--type', 'github', '--secret-ref', 'token', '--event', 'ping', '--event', 'push', '--resource', 'GitRepository/webapp', '--export']);
    expect(parse(receiver.stdout)).toEqual({
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name: 'github', namespace: 'flux-system' },
      spec: { events: ['ping', 'push'], resources: [{ kind: 'GitRepository', name: 'webapp' }], secretRef: { name: 'token' }, type: 'github' },
    });
  });

  it('prints a HelmRepository and a HelmRelease as flux does', async () => {
    const repo = await ferry(['create', 'source', 'helm', 'podinfo', '--url', 'https://stefanprodan.github.io/podinfo', '--interval', '10m', '--export']);
    expect(repo.code).toBe(0);
    expect(repo.stdout).toBe(
      [
        '---',
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata:',
        '  name: podinfo',
        '  namespace: flux-system',
        'spec:',
        '  interval: 10m0s',
        '  url: https://stefanprodan.github.io/podinfo',
        '',
      ].join('\n'),
    );
    const dir = tempDir('values-');
    writeFileSync(join(dir.path, 'a.yaml'), 'replicaCount: 2\nimage:\n  tag: 6.5.0\n  pullPolicy: Always\n');
    writeFileSync(join(dir.path, 'b.yaml'), 'image:\n  tag: 6.6.0\nports: [80]\n');
    const release = await ferry([
      'create', 'hr', 'podinfo', '-n', 'apps', '--source', 'HelmRepository/podinfo.flux-system', '--chart', 'podinfo', '--chart-version', '>4.0.0',
      '--interval', '10m', '--target-namespace', 'web', '--create-target-namespace', '--depends-on', 'infra', '--values', `${join(dir.path, 'a.yaml')},${join(dir.path, 'b.yaml')}`,
      '--values-from', 'ConfigMap/podinfo-values', '--crds', 'CreateReplace', '--export',
    ]);
    dir.remove();
    expect(release.code).toBe(0);
    expect(release.stdout).toBe(
      [
        '---',
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata:',
        '  name: podinfo',
        '  namespace: apps',
        'spec:',
        '  chart:',
        '    spec:',
        '      chart: podinfo',
        '      reconcileStrategy: ChartVersion',
        '      sourceRef:',
        '        kind: HelmRepository',
        '        name: podinfo',
        '        namespace: flux-system',
        "      version: '>4.0.0'",
        '  dependsOn:',
        '  - name: infra',
        '  install:',
        '    crds: CreateReplace',
        '    createNamespace: true',
        '  interval: 10m0s',
        '  targetNamespace: web',
        '  upgrade:',
        '    crds: CreateReplace',
        '  values:',
        '    image:',
        '      pullPolicy: Always',
        '      tag: 6.6.0',
        '    ports:',
        '    - 80',
        '    replicaCount: 2',
        '  valuesFrom:',
        '  - kind: ConfigMap',
        '    name: podinfo-values',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['create', 'source', 'git', 'x', '--url', 'ftp://example.com/x', '--branch', 'main', '--export'], "✗ git URL scheme 'ftp' not supported, can be: ssh, http and https"],
    [['create', 'source', 'git', 'x', '--export'], "✗ required option '--url <url>' not specified"],
    [['create', 'source', 'git', 'x', '--url', 'https://e.com/x', '--export'], '✗ a Git ref is required for GitRepository x, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver'],
    [['create', 'source', 'git', 'x', '--url', 'https://e.com/x', '--interval', 'soon', '--export'], /^✗ option '--interval <duration>' argument 'soon' is invalid\. invalid duration "soon"/],
    [['create', 'kustomization', 'x', '--source', 'x', '--path', 'apps', '--export'], '✗ invalid --path "apps" for Kustomization x: path must begin with ./'],
    [['create', 'kustomization', 'x', '--source', 'x', '--health-check', 'Service/x.default', '--export'], "✗ invalid health check kind 'Service' can be HelmRelease, Deployment, DaemonSet or StatefulSet"],
    [['create', 'alert-provider', 'p', '--type', 'carrier-pigeon', '--export'], /^✗ Provider flux-system\/p: .*spec\.type/],
    [['create', 'alert', 'a', '--provider-ref', 'p', '--event-source', 'podinfo', '--export'], '✗ invalid --event-source "podinfo": expected <kind>/<name>'],
    [['create', 'hr', 'x', '--chart', 'podinfo', '--export'], '✗ HelmRelease x needs --source and --chart, or --chart-ref'],
    [['create', 'hr', 'x', '--source', 'OCIRepository/x', '--chart', 'x', '--export'], "✗ invalid --source kind 'OCIRepository', can be HelmRepository, GitRepository, Bucket"],
    [['create', 'source', 'helm', 'x', '--url', 'ftp://e.com/x', '--export'], /^✗ HelmRepository flux-system\/x: spec\.url: url must start with http:\/\/, https:\/\/ or oci:\/\//],
    [['create', 'source', 'helm', 'x', '--url', 'https://e.com/x', '--username', 'u', '--export'], '✗ basic authentication for HelmRepository x needs both --username and --password'],
  ])('rejects bad flags with exit code 1 and a ✗ line: %j', async (args, message) => {
    const r = await ferry(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.lines[0]).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });
});

describe('ferry create (apply)', () => {
  let dev: CliCluster;
  beforeAll(async () => {
    dev = await startCliCluster();
  });
  afterAll(() => dev.stop());

  it('applies a GitRepository and waits for it to be Ready', async () => {
    const namespace = await dev.namespace();
    const locator = { apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository', namespace, name: 'podinfo' };
    const controller = simulateController(dev.kube, locator, { ready: true, message: 'stored artifact', revision: 'main@sha1:abc123', revisionField: 'artifact' });
    const r = await dev.ferry('create', 'source', 'git', 'podinfo', '-n', namespace, '--url', 'https://example.com/podinfo', '--branch', 'main');
    await controller;
    expect(r.lines).toEqual([
      '✚ generating GitRepository source',
      '► applying GitRepository source',
      '✔ GitRepository source created',
      '◎ waiting for GitRepository source reconciliation',
      '✔ GitRepository source reconciliation completed',
      '✔ fetched revision: main@sha1:abc123',
    ]);
    expect(r.code).toBe(0);
    const stored = await dev.kube.get(locator);
    expect(stored?.['spec']).toMatchObject({ url: 'https://example.com/podinfo', ref: { branch: 'main' }, interval: '1m0s' });

    const updated = simulateController(dev.kube, locator, { ready: true, message: 'stored', revision: 'v1.0.0@sha1:def456', revisionField: 'artifact' }, { minGeneration: 2 });
    const again = await dev.ferry('create', 'source', 'git', 'podinfo', '-n', namespace, '--url', 'https://example.com/podinfo', '--tag', 'v1.0.0');
    await updated;
    expect(again.lines).toContain('✔ GitRepository source updated');
    expect(again.lines).toContain('✔ fetched revision: v1.0.0@sha1:def456');
    expect(again.code).toBe(0);
    expect((await dev.kube.get(locator))?.['spec']).toMatchObject({ ref: { tag: 'v1.0.0' } });
  });

  it('stores --username/--password in a Secret named after the source and references it, never printing the password', async () => {
    const namespace = await dev.namespace();
    const locator = { apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository', namespace, name: 'private' };
    const controller = simulateController(dev.kube, locator, { ready: true, message: 'stored artifact', revision: 'main@sha1:abc123', revisionField: 'artifact' });
    const r = await dev.ferry('create', 'source', 'git', 'private', '-n', namespace, '--url', 'https://example.com/private', '--branch', 'main', '--username', 'git', '--password', 's3cret-token');
    await controller;
    expect(r.code).toBe(0);
    expect(r.lines.slice(0, 4)).toEqual(['✚ generating GitRepository source', '► applying secret with repository credentials', '✔ authentication configured', '► applying GitRepository source']);
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret-token');
    expect((await dev.kube.get(locator))?.['spec']).toMatchObject({ secretRef: { name: 'private' } });
    const secret = await dev.kube.get<KubeObjectWithData>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'private' });
    expect(Buffer.from(secret?.data?.['password'] ?? '', 'base64').toString()).toBe('s3cret-token');
    expect(Buffer.from(secret?.data?.['username'] ?? '', 'base64').toString()).toBe('git');

    const half = await dev.ferry('create', 'source', 'git', 'private', '-n', namespace, '--url', 'https://example.com/private', '--branch', 'main', '--username', 'git');
    expect(half.code).toBe(1);
    expect(half.lines).toContain('✗ basic authentication for GitRepository private needs both --username and --password');
  });

  it('over ssh:// stores the private key (or a generated deploy key) with the scanned host keys, as flux does', async () => {
    const namespace = await dev.namespace();
    const dir = tempDir('ferry-ssh-');
    const key = generateSshKeyPair();
    const ssh = await GitSshServer.start(dir.path, key.public);
    try {
      const keyFile = join(dir.path, 'identity');
      writeFileSync(keyFile, key.private);
      const url = `${ssh.url}/app.git`;
      const locator = { apiVersion: GIT_REPOSITORY_API_VERSION, kind: 'GitRepository', namespace, name: 'app' };
      const controller = simulateController(dev.kube, locator, { ready: true, message: 'stored artifact', revision: 'main@sha1:abc123', revisionField: 'artifact' });
      const r = await dev.ferry('create', 'source', 'git', 'app', '-n', namespace, '--url', url, '--branch', 'main', '--private-key-file', keyFile);
      await controller;
      expect(r.lines.slice(0, 5)).toEqual([
        '✚ generating GitRepository source',
        '✚ collecting SSH host keys of 127.0.0.1',
        '► applying secret with repository credentials',
        '✔ authentication configured',
        '► applying GitRepository source',
      ]);
      expect(r.code).toBe(0);
      const secret = async (name: string) => {
        const data = (await dev.kube.get<KubeObjectWithData>({ apiVersion: 'v1', kind: 'Secret', namespace, name }))?.data ?? {};
        return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      };
      const stored = await secret('app');
      expect(stored['identity']).toBe(key.private);
      expect(stored['identity.pub']?.split(' ').slice(0, 2)).toEqual(key.public.trim().split(' ').slice(0, 2));
      const hostKey = ssh.knownHosts.trim().split(/\s+/).slice(-2).join(' ');
      expect(stored['known_hosts']).toContain(`[127.0.0.1]:${new URL(ssh.url).port} ${hostKey}`);

      const generated = await dev.ferry('create', 'source', 'git', 'gen', '-n', namespace, '--url', url, '--branch', 'main', '--silent', '--timeout', '1s');
      const deployKey = generated.lines.find((line) => line.startsWith('✔ deploy key: '))?.slice('✔ deploy key: '.length);
      expect(deployKey).toMatch(/^ssh-ed25519 AAAA/);
      expect((await secret('gen'))['identity.pub']).toBe(deployKey);

      const asked = await dev.ferry('create', 'source', 'git', 'asked', '-n', namespace, '--url', url, '--branch', 'main');
      expect(asked.code).toBe(1);
      expect(asked.lines).toContain('✗ aborting: add the deploy key to the repository first, or pass --silent');
      expect(await dev.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'asked' })).toBeUndefined();
    } finally {
      await ssh.stop();
      dir.remove();
    }
  });

  it('applies a Kustomization and reports the applied revision', async () => {
    const namespace = await dev.namespace();
    const locator = { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace, name: 'apps' };
    const controller = simulateController(dev.kube, locator, { ready: true, message: 'Applied revision: main@sha1:abc123', revision: 'main@sha1:abc123' });
    const r = await dev.ferry('create', 'kustomization', 'apps', '-n', namespace, '--source', 'GitRepository/podinfo', '--path', './deploy', '--prune');
    await controller;
    expect(r.lines).toEqual([
      '✚ generating Kustomization',
      '► applying Kustomization',
      '✔ Kustomization created',
      '◎ waiting for Kustomization reconciliation',
      '✔ Kustomization apps is ready',
      '✔ applied revision main@sha1:abc123',
    ]);
    expect(r.code).toBe(0);
  });

  it('fails with the controller message when the Kustomization does not become Ready', async () => {
    const namespace = await dev.namespace();
    const locator = { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace, name: 'apps' };
    const controller = simulateController(dev.kube, locator, { ready: false, message: 'kustomization path not found' });
    const r = await dev.ferry('create', 'ks', 'apps', '-n', namespace, '--source', 'apps', '--path', './apps');
    await controller;
    expect(r.code).toBe(1);
    expect(r.lines.slice(-2)).toEqual([
      '◎ waiting for Kustomization reconciliation',
      `✗ Kustomization apps in ${namespace} namespace is not ready: kustomization path not found`,
    ]);
  });

  it('times out at --timeout when no controller answers', async () => {
    const namespace = await dev.namespace();
    const r = await dev.ferry('create', 'ks', 'apps', '-n', namespace, '--source', 'apps', '--timeout', '300ms');
    expect(r.code).toBe(1);
    expect(r.lines[r.lines.length - 1]).toBe(
      `✗ timed out waiting for Kustomization apps in ${namespace} namespace to become ready (no Ready condition yet)`,
    );
  });

  it('applies notification objects without waiting', async () => {
    const namespace = await dev.namespace();
    const r = await dev.ferry('create', 'alert-provider', 'slack', '-n', namespace, '--type', 'slack', '--channel', 'ops');
    expect(r.lines).toEqual(['✚ generating Provider', '► applying Provider', '✔ Provider created']);
    const stored = await dev.kube.get({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', namespace, name: 'slack' });
    expect(stored?.['spec']).toMatchObject({ type: 'slack', channel: 'ops' });
  });

  it('exports objects the CRD schemas accept (kubectl apply --dry-run=server)', async () => {
    const namespace = await dev.namespace();
    const exports = await Promise.all([
      ferry(['create', 'source', 'git', 'podinfo', '-n', namespace, '--url', 'https://example.com/podinfo', '--branch', 'main', '--secret-ref', 'auth', '--export']),
      ferry(['create', 'ks', 'podinfo', '-n', namespace, '--source', 'podinfo', '--path', './deploy', '--prune', '--wait', '--target-namespace', 'default', '--depends-on', 'infra', '--export']),
      ferry(['create', 'alert-provider', 'slack', '-n', namespace, '--type', 'slack', '--channel', 'ops', '--secret-ref', 'slack-url', '--export']),
      ferry(['create', 'alert', 'ops', '-n', namespace, '--provider-ref', 'slack', '--event-source', 'Kustomization/*', '--event-severity', 'error', '--export']),
      ferry(['create', 'receiver', 'github', '-n', namespace, '--type', 'github', '--secret-ref', 'token', '--event', 'push', '--resource', 'GitRepository/podinfo', '--export']),
      ferry(['create', 'source', 'helm', 'charts', '-n', namespace, '--url', 'https://example.com/charts', '--export']),
      ferry(['create', 'hr', 'podinfo', '-n', namespace, '--source', 'HelmRepository/charts', '--chart', 'podinfo', '--chart-version', '6.x', '--crds', 'Skip', '--export']),
    ]);
    const home = tempDir('ferry-kubectl-');
    try {
      const applied = await kubectl(
        ['apply', '--server-side', '--dry-run=server', '-f', '-', '--kubeconfig', dev.kubeconfig, '--cache-dir', join(home.path, 'cache')],
        exports.map((r) => r.stdout).join(''),
        { ...process.env, HOME: home.path },
      );
      expect(applied.stderr).toBe('');
      expect(applied.stdout.trim().split('\n')).toEqual([
        'gitrepository.source.toolkit.fluxcd.io/podinfo serverside-applied (server dry run)',
        'kustomization.kustomize.toolkit.fluxcd.io/podinfo serverside-applied (server dry run)',
        'provider.notification.toolkit.fluxcd.io/slack serverside-applied (server dry run)',
        'alert.notification.toolkit.fluxcd.io/ops serverside-applied (server dry run)',
        'receiver.notification.toolkit.fluxcd.io/github serverside-applied (server dry run)',
        'helmrepository.source.toolkit.fluxcd.io/charts serverside-applied (server dry run)',
        'helmrelease.helm.toolkit.fluxcd.io/podinfo serverside-applied (server dry run)',
      ]);
    } finally {
      home.remove();
    }
  });

  it('names the namespace when it does not exist', async () => {
    const r = await dev.ferry('create', 'alert-provider', 'slack', '-n', 'missing-ns', '--type', 'slack');
    expect(r.code).toBe(1);
    expect(r.lines[r.lines.length - 1]).toMatch(/^✗ .*missing-ns.*not found/);
  });
});

type KubeObjectWithData = { apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string> };
