import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { RECONCILE_REQUESTED_AT_ANNOTATION } from '@ferry/contracts';
import type { KubeClient, KubeObject } from '@ferry/kube';
import { generateSshKeyPair, GitLabServer, GitServer, tempDir, uniqueSuffix } from '@ferry/testing';
import { ferry, startCliCluster, type CliCluster } from '../../test/cli-fixture';

const exec = promisify(execFile);

const KNOWN_HOSTS = '127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n';

// Plays the source and kustomize controllers for the flux-system objects: echoes every reconcile request as
// handled with Ready=True, until stopped. (The services end-to-end lives in bootstrap.e2e.int-spec.ts.)
function playControllers(kube: KubeClient, namespace: string): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [apiVersion, kind] of [['source.toolkit.fluxcd.io/v1', 'GitRepository'], ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization']] as const) {
        const object = await kube.get<KubeObject & { status?: { lastHandledReconcileAt?: string } }>({ apiVersion, kind, namespace, name: 'flux-system' }).catch(() => undefined);
        const requestedAt = object?.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION];
        if (object && requestedAt && object.status?.lastHandledReconcileAt !== requestedAt) {
          const generation = object.metadata.generation ?? 1;
          await kube.mergePatch(object, {
            status: {
              observedGeneration: generation,
              lastHandledReconcileAt: requestedAt,
              conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', lastTransitionTime: new Date().toISOString(), observedGeneration: generation }],
            },
          }, { subresource: 'status', fieldManager: 'test-controller' });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { stop: async () => { running = false; await loop; } };
}

async function show(barePath: string, spec: string): Promise<string> {
  return (await exec('git', ['show', spec], { cwd: barePath })).stdout;
}

describe('ferry bootstrap', () => {
  let cli: CliCluster;
  let gitlab: GitLabServer;
  let dir: { path: string; remove: () => void };
  let knownHostsFile: string;

  beforeAll(async () => {
    cli = await startCliCluster({ crds: false });
    gitlab = await GitLabServer.start();
    gitlab.addUser('alice', 'alice-token');
    gitlab.addUser('bob', 'bob-token');
    gitlab.addGroup('platform', ['alice']);
    dir = tempDir('ferry-bootstrap-test-');
    knownHostsFile = join(dir.path, 'known_hosts');
    writeFileSync(knownHostsFile, KNOWN_HOSTS);
  });

  afterAll(async () => {
    await gitlab.stop();
    await cli.stop();
    dir.remove();
  });

  const bootstrapGitLab = (namespace: string, token: string | undefined, ...flags: string[]) =>
    ferry(
      ['bootstrap', 'gitlab', '--hostname', gitlab.host, '--insecure-http', '--known-hosts-file', knownHostsFile, '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '60s', ...flags],
      { ...process.env, ...(token ? { GITLAB_TOKEN: token } : { GITLAB_TOKEN: '' }) },
    );

  it('creates the project, commits Flux\'s manifests, registers a deploy key and is a no-op the second time', async () => {
    const namespace = `bs-${uniqueSuffix()}`;
    const controllers = playControllers(cli.kube, namespace);
    try {
      const repository = `fleet-${uniqueSuffix()}`;
      const first = await bootstrapGitLab(namespace, 'alice-token', '--owner', 'platform', '--repository', repository, '--path', 'clusters/dev');
      expect(first.stderr).not.toContain('✗');
      expect(first.code).toBe(0);
      const project = gitlab.project(`platform/${repository}`);
      expect(project?.visibility).toBe('private');
      expect(first.lines).toEqual(expect.arrayContaining([
        `► connecting to ${gitlab.host}`,
        `✔ repository "${gitlab.url}/platform/${repository}" created`,
        `► cloning branch "main" from Git repository "${gitlab.url}/platform/${repository}.git"`,
        '✔ cloned repository',
        '✔ generated component manifests',
        `► installing components in "${namespace}" namespace`,
        '✔ installed components',
        `► determining if source secret "${namespace}/flux-system" exists`,
        '► generating source secret',
        expect.stringMatching(/^✔ public key: ssh-ed25519 AAAA/),
        `✔ configured deploy key "${namespace}-main-flux-system-clusters/dev" for "${gitlab.url}/platform/${repository}"`,
        '✔ reconciled source secret',
        '✔ generated sync manifests',
        '✔ reconciled sync configuration',
        `◎ waiting for GitRepository "${namespace}/flux-system" to be reconciled`,
        '✔ GitRepository reconciled successfully',
        '✔ Kustomization reconciled successfully',
        '✔ source: deployment ready',
        '✔ all components are healthy',
      ]));
      expect(first.lines.filter((line) => line.startsWith('✔ committed'))).toHaveLength(2);

      const barePath = project?.repo.barePath ?? '';
      const listing = (await exec('git', ['ls-tree', '-r', '--name-only', 'main'], { cwd: barePath })).stdout.split('\n').filter(Boolean);
      expect(listing).toEqual(['clusters/dev/flux-system/gotk-components.yaml', 'clusters/dev/flux-system/gotk-sync.yaml', 'clusters/dev/flux-system/kustomization.yaml']);
      const [gitRepository, kustomization] = parseAllDocuments(await show(barePath, 'main:clusters/dev/flux-system/gotk-sync.yaml')).map((doc) => doc.toJSON() as { spec: Record<string, unknown> });
      expect(gitRepository?.spec).toEqual({ interval: '1m0s', ref: { branch: 'main' }, secretRef: { name: 'flux-system' }, url: `ssh://git@127.0.0.1/platform/${repository}` });
      expect(kustomization?.spec).toMatchObject({ path: './clusters/dev', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });

      const secret = await cli.kube.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
      const data = Object.fromEntries(Object.entries(secret?.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
      expect(data['identity']).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
      expect(data['known_hosts']).toBe(KNOWN_HOSTS);
      expect(project?.deployKeys).toEqual([expect.objectContaining({ key: data['identity.pub'], can_push: false })]);
      const inCluster = await cli.kube.get<KubeObject & { spec: { url: string } }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: 'flux-system' });
      expect(inCluster?.spec.url).toBe(`ssh://git@127.0.0.1/platform/${repository}`);

      const head = (await exec('git', ['rev-parse', 'main'], { cwd: barePath })).stdout.trim();
      const second = await bootstrapGitLab(namespace, 'alice-token', '--owner', 'platform', '--repository', repository, '--path', 'clusters/dev');
      expect(second.stderr).not.toContain('✗');
      expect(second.code).toBe(0);
      expect(second.lines).toEqual(expect.arrayContaining([
        '✔ component manifests are up to date',
        `✔ deploy key "${namespace}-main-flux-system-clusters/dev" is up to date`,
        '✔ source secret up to date',
        '✔ sync manifests are up to date',
        '✔ Kustomization reconciled successfully',
      ]));
      expect(second.stderr).not.toContain('committed');
      expect(second.stderr).not.toContain('created');
      expect(second.stderr).not.toContain('generating source secret');
      expect((await exec('git', ['rev-parse', 'main'], { cwd: barePath })).stdout.trim()).toBe(head);
      expect(project?.deployKeys).toHaveLength(1);
    } finally {
      await controllers.stop();
    }
  });

  it('replaces the deploy key when the source Secret is gone or --read-write-key changes its permission', async () => {
    const namespace = `bs-${uniqueSuffix()}`;
    const controllers = playControllers(cli.kube, namespace);
    try {
      const repository = `rotate-${uniqueSuffix()}`;
      const run = (...flags: string[]) => bootstrapGitLab(namespace, 'alice-token', '--owner', 'platform', '--repository', repository, ...flags);
      expect((await run()).code).toBe(0);
      const project = gitlab.project(`platform/${repository}`);
      const firstKey = project?.deployKeys[0]?.key;
      expect(firstKey).toMatch(/^ssh-ed25519 /);

      const readWrite = await run('--read-write-key');
      expect(readWrite.code).toBe(0);
      expect(readWrite.lines).toContain(`✔ configured deploy key "${namespace}-main-flux-system" for "${gitlab.url}/platform/${repository}"`);
      expect(project?.deployKeys).toEqual([expect.objectContaining({ key: firstKey, can_push: true })]);

      await cli.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
      const regenerated = await run('--read-write-key');
      expect(regenerated.code).toBe(0);
      expect(regenerated.lines).toContain('► generating source secret');
      expect(project?.deployKeys).toHaveLength(1);
      expect(project?.deployKeys[0]?.key).not.toBe(firstKey);
      const secret = await cli.kube.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
      expect(Buffer.from(secret?.data['identity.pub'] ?? '', 'base64').toString()).toBe(project?.deployKeys[0]?.key);
    } finally {
      await controllers.stop();
    }
  });

  it('with --token-auth --personal stores the token as a basic-auth secret and syncs over HTTP', async () => {
    const namespace = `bs-${uniqueSuffix()}`;
    const controllers = playControllers(cli.kube, namespace);
    try {
      const repository = `personal-${uniqueSuffix()}`;
      const result = await bootstrapGitLab(namespace, 'bob-token', '--owner', 'bob', '--personal', '--token-auth', '--private=false', '--repository', repository);
      expect(result.stderr).not.toContain('✗');
      expect(result.code).toBe(0);
      expect(gitlab.project(`bob/${repository}`)?.visibility).toBe('public');
      expect(gitlab.project(`bob/${repository}`)?.deployKeys).toEqual([]);
      const secret = await cli.kube.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
      expect(Buffer.from(secret?.data['username'] ?? '', 'base64').toString()).toBe('git');
      expect(Buffer.from(secret?.data['password'] ?? '', 'base64').toString()).toBe('bob-token');
      const repo = await cli.kube.get<KubeObject & { spec: { url: string } }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: 'flux-system' });
      expect(repo?.spec.url).toBe(`${gitlab.url}/bob/${repository}.git`);
      const kustomization = await cli.kube.get<KubeObject & { spec: { path: string } }>({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace, name: 'flux-system' });
      expect(kustomization?.spec.path).toBe('./');
      expect(result.stderr).not.toContain('bob-token');
    } finally {
      await controllers.stop();
    }
  });

  it('fails with a clear line for a bad token, a missing group, no permission and a missing token', async () => {
    const namespace = `bs-${uniqueSuffix()}`;
    const badToken = await bootstrapGitLab(namespace, 'wrong-token', '--owner', 'platform', '--repository', 'x');
    expect(badToken.code).toBe(1);
    expect(badToken.lines).toContain(`✗ GitLab at ${gitlab.url} rejected the token (401 Unauthorized): check GITLAB_TOKEN`);

    // GITLAB_API_URL chooses scheme and host instead of --hostname/--insecure-http.
    const viaEnv = await ferry(['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'x', '-n', namespace, '--kubeconfig', cli.kubeconfig], { ...process.env, GITLAB_TOKEN: 'wrong-token', GITLAB_API_URL: gitlab.url });
    expect(viaEnv.lines).toContain(`✗ GitLab at ${gitlab.url} rejected the token (401 Unauthorized): check GITLAB_TOKEN`);
    expect(viaEnv.stderr).not.toContain('wrong-token');

    const missingGroup = await bootstrapGitLab(namespace, 'alice-token', '--owner', 'nowhere', '--repository', 'x');
    expect(missingGroup.code).toBe(1);
    expect(missingGroup.lines).toContain(`✗ group "nowhere" not found on ${gitlab.url} (or the token cannot see it); use --personal if "nowhere" is a user`);

    const forbidden = await bootstrapGitLab(namespace, 'bob-token', '--owner', 'platform', '--repository', 'x');
    expect(forbidden.code).toBe(1);
    expect(forbidden.lines).toContain(`✗ no permission to create project x on ${gitlab.url} (403 Forbidden): the token needs the api scope and Maintainer access`);

    const notMe = await bootstrapGitLab(namespace, 'bob-token', '--owner', 'alice', '--personal', '--repository', 'x');
    expect(notMe.lines).toContain('✗ --owner "alice" with --personal must be the token\'s user "bob"');

    const noToken = await bootstrapGitLab(namespace, undefined, '--owner', 'platform', '--repository', 'x');
    expect(noToken.code).toBe(1);
    expect(noToken.lines).toContain('✗ GITLAB_TOKEN environment variable not set: a GitLab personal access token with the api scope is required');

    const extra = await bootstrapGitLab(namespace, 'alice-token', '--owner', 'platform', '--repository', 'x', '--components-extra', 'image-reflector-controller');
    expect(extra.lines).toContain('✗ --components-extra: image-reflector-controller not available in Ferry (its components are source, reconciler, notifier)');
    expect(gitlab.project('platform/x')).toBeUndefined();
  });

  it('fails before touching GitLab when the cluster is unreachable', async () => {
    const kubeconfig = join(dir.path, 'unreachable');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: gone',
      'clusters: [{name: gone, cluster: {server: "http://127.0.0.1:1"}}]',
      'contexts: [{name: gone, context: {cluster: gone, user: u}}]', 'users: [{name: u, user: {}}]', '',
    ].join('\n'));
    const before = gitlab.requests.length;
    const result = await ferry(
      ['bootstrap', 'gitlab', '--hostname', gitlab.host, '--insecure-http', '--owner', 'platform', '--repository', 'unreached', '--kubeconfig', kubeconfig, '--timeout', '20s'],
      { ...process.env, GITLAB_TOKEN: 'alice-token' },
    );
    expect(result.code).toBe(1);
    expect(result.lines.at(-1)).toMatch(/^✗ cannot reach the Kubernetes cluster: /);
    expect(gitlab.requests.length).toBe(before);
    expect(gitlab.project('platform/unreached')).toBeUndefined();
  });

  it('bootstrap git pushes to any HTTP server with --username/--password and stores them as the source secret', async () => {
    const server = await GitServer.start({ basic: { username: 'deploy', password: 's3cret' } });
    try {
      const repo = await server.createRepo('fleet.git');
      await exec('git', ['config', 'http.receivepack', 'true'], { cwd: repo.barePath });
      await repo.commit({ 'README.md': 'hello\n' });
      const namespace = `bs-${uniqueSuffix()}`;
      const controllers = playControllers(cli.kube, namespace);
      try {
        const run = () => ferry(
          ['bootstrap', 'git', '--url', repo.url, '--username', 'deploy', '--password', 's3cret', '--path', './clusters/staging', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '60s'],
        );
        const first = await run();
        expect(first.stderr).not.toContain('✗');
        expect(first.code).toBe(0);
        const files = (await exec('git', ['ls-tree', '-r', '--name-only', 'main'], { cwd: repo.barePath })).stdout.split('\n').filter(Boolean);
        expect(files).toEqual(['README.md', 'clusters/staging/flux-system/gotk-components.yaml', 'clusters/staging/flux-system/gotk-sync.yaml', 'clusters/staging/flux-system/kustomization.yaml']);
        const secret = await cli.kube.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
        expect(Buffer.from(secret?.data['username'] ?? '', 'base64').toString()).toBe('deploy');
        expect(first.stderr).not.toContain('s3cret');
        const second = await run();
        expect(second.code).toBe(0);
        expect(second.lines).toEqual(expect.arrayContaining(['✔ component manifests are up to date', '✔ sync manifests are up to date', '✔ source secret up to date']));

        const anonymousServer = await GitServer.start();
        try {
          const open = await anonymousServer.createRepo('open.git');
          await exec('git', ['config', 'http.receivepack', 'true'], { cwd: open.barePath });
          const openNamespace = `bs-${uniqueSuffix()}`;
          const openControllers = playControllers(cli.kube, openNamespace);
          const anonymous = await ferry(['bootstrap', 'git', '--url', open.url, '-n', openNamespace, '--kubeconfig', cli.kubeconfig, '--timeout', '60s']).finally(() => openControllers.stop());
          expect(anonymous.stderr).not.toContain('✗');
          expect(anonymous.code).toBe(0);
          expect(anonymous.stderr).not.toContain('source secret');
          const [gitRepository] = parseAllDocuments(await show(open.barePath, 'main:flux-system/gotk-sync.yaml')).map((doc) => doc.toJSON() as { spec: Record<string, unknown> });
          expect(gitRepository?.spec).toEqual({ interval: '1m0s', ref: { branch: 'main' }, url: open.url });
        } finally {
          await anonymousServer.stop();
        }

        const denied = await ferry(['bootstrap', 'git', '--url', repo.url, '--username', 'deploy', '--password', 'wrong', '-n', namespace, '--kubeconfig', cli.kubeconfig]);
        expect(denied.code).toBe(1);
        expect(denied.lines.at(-1)).toMatch(new RegExp(`^✗ git ls-remote ${repo.url} failed: `));
        expect(denied.stderr).not.toContain('wrong');
      } finally {
        await controllers.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('bootstrap git pushes over SSH with --private-key-file and stores that key as the source secret', async () => {
    const project = await gitlab.addProject('alice', `ssh-${uniqueSuffix()}`);
    const key = generateSshKeyPair();
    project.deployKeys.push({ id: 9000, title: 'bootstrap', key: key.public, can_push: true, created_at: new Date().toISOString() });
    const keyFile = join(dir.path, `key-${uniqueSuffix()}`);
    writeFileSync(keyFile, key.private, { mode: 0o600 });
    const sshKnownHosts = join(dir.path, `ssh-known-hosts-${uniqueSuffix()}`);
    writeFileSync(sshKnownHosts, gitlab.sshKnownHosts);
    const namespace = `bs-${uniqueSuffix()}`;
    const controllers = playControllers(cli.kube, namespace);
    try {
      const url = `ssh://git@${gitlab.sshHost}/${project.pathWithNamespace}`;
      const result = await ferry(['bootstrap', 'git', '--url', url, '--private-key-file', keyFile, '--known-hosts-file', sshKnownHosts, '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '60s']);
      expect(result.stderr).not.toContain('✗');
      expect(result.code).toBe(0);
      expect(result.lines).toContain(`✔ public key: ${key.public.split(' ').slice(0, 2).join(' ')}`);
      const files = (await exec('git', ['ls-tree', '-r', '--name-only', 'main'], { cwd: project.repo.barePath })).stdout.split('\n').filter(Boolean);
      expect(files).toEqual(['flux-system/gotk-components.yaml', 'flux-system/gotk-sync.yaml', 'flux-system/kustomization.yaml']);
      const secret = await cli.kube.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name: 'flux-system' });
      expect(Buffer.from(secret?.data['identity'] ?? '', 'base64').toString()).toBe(key.private);
      expect(Buffer.from(secret?.data['known_hosts'] ?? '', 'base64').toString()).toBe(gitlab.sshKnownHosts);
      const repo = await cli.kube.get<KubeObject & { spec: { url: string } }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: 'flux-system' });
      expect(repo?.spec.url).toBe(url);

      const missing = await ferry(['bootstrap', 'git', '--url', url, '--private-key-file', join(dir.path, 'nope'), '-n', namespace, '--kubeconfig', cli.kubeconfig]);
      expect(missing.code).toBe(1);
      expect(missing.lines.at(-1)).toBe(`✗ --private-key-file ${join(dir.path, 'nope')}: no such file`);
    } finally {
      await controllers.stop();
    }
  });
});
