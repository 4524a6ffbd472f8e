import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitLabServer, tempDir, uniqueSuffix } from '@ferry/testing';
import { ferry, kubectl, startCliCluster, startPlatformServices, type CliCluster, type PlatformServices } from '../../test/cli-fixture';

const exec = promisify(execFile);

// The whole platform: `ferry bootstrap gitlab` against the GitLab-compatible server, the real source and
// reconciler services (separate processes on a test stream) syncing the bootstrapped repository into the dev
// cluster, a new commit applied, checked with the real kubectl.
describe('ferry bootstrap gitlab, end to end with the source and reconciler services', () => {
  const dir = tempDir('ferry-bootstrap-e2e-');
  let cli: CliCluster;
  let gitlab: GitLabServer;
  let platform: PlatformServices | undefined;

  beforeAll(async () => {
    cli = await startCliCluster();
    gitlab = await GitLabServer.start();
    gitlab.addUser('alice', 'alice-token');
    gitlab.addGroup('platform', ['alice']);
    platform = await startPlatformServices(['source', 'reconciler'], cli.kubeconfig, dir.path);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await gitlab?.stop();
    await cli?.stop();
    dir.remove();
  });

  const logs = () => (platform?.processes ?? []).flatMap((service) => service.lines.slice(-15)).join('\n');

  it('bootstraps, syncs a new commit into the cluster, and a second bootstrap changes nothing', async () => {
    const namespace = `e2e-${uniqueSuffix()}`;
    const env = { ...process.env, GITLAB_TOKEN: 'alice-token' };
    const bootstrap = () => ferry(
      ['bootstrap', 'gitlab', '--hostname', gitlab.host, '--insecure-http', '--token-auth', '--owner', 'platform', '--repository', 'fleet', '--path', 'clusters/e2e', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '90s'],
      env,
    );

    const first = await bootstrap();
    expect(`${first.stderr}${first.code === 0 ? '' : logs()}`).not.toContain('✗');
    expect(first.code).toBe(0);
    expect(first.lines).toEqual(expect.arrayContaining([
      `✔ repository "${gitlab.url}/platform/fleet" created`,
      '✔ GitRepository reconciled successfully',
      `◎ waiting for Kustomization "${namespace}/flux-system" to be reconciled`,
      '✔ Kustomization reconciled successfully',
      '✔ all components are healthy',
    ]));
    const kubeEnv = { ...process.env, KUBECONFIG: cli.kubeconfig };
    const applied = await kubectl(['get', 'kustomization', 'flux-system', '-n', namespace, '-o', 'jsonpath={.status.lastAppliedRevision}'], '', kubeEnv);
    const project = gitlab.project('platform/fleet');
    const bootstrapHead = (await exec('git', ['rev-parse', 'main'], { cwd: project?.repo.barePath ?? '' })).stdout.trim();
    expect(applied.stdout).toBe(`main@sha1:${bootstrapHead}`);

    // A user commits an app next to flux-system, over HTTP with the token, as they would to GitLab.
    const work = join(dir.path, 'work');
    const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', HOME: dir.path };
    await exec('git', ['clone', '-q', `${gitlab.url}/platform/fleet.git`.replace('http://', 'http://oauth2:alice-token@'), work], { env: gitEnv });
    mkdirSync(join(work, 'clusters/e2e/apps'), { recursive: true });
    writeFileSync(join(work, 'clusters/e2e/apps/settings.yaml'), [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', `  namespace: ${namespace}`, 'data:', '  greeting: hello from git', '',
    ].join('\n'));
    await exec('git', ['add', '-A'], { cwd: work, env: gitEnv });
    await exec('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.invalid', 'commit', '-q', '-m', 'add settings'], { cwd: work, env: gitEnv });
    await exec('git', ['push', '-q', 'origin', 'main'], { cwd: work, env: gitEnv });
    const appHead = (await exec('git', ['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();

    const reconcile = await ferry(['reconcile', 'kustomization', 'flux-system', '--with-source', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '60s']);
    expect(`${reconcile.stderr}${reconcile.code === 0 ? '' : logs()}`).toContain(`✔ applied revision main@sha1:${appHead}`);
    const configMap = await kubectl(['get', 'configmap', 'settings', '-n', namespace, '-o', 'jsonpath={.data.greeting}'], '', kubeEnv);
    expect(configMap.stdout).toBe('hello from git');

    const second = await bootstrap();
    expect(second.code).toBe(0);
    expect(second.lines).toEqual(expect.arrayContaining([
      '✔ component manifests are up to date',
      '✔ source secret up to date',
      '✔ sync manifests are up to date',
      '✔ Kustomization reconciled successfully',
    ]));
    expect((await exec('git', ['rev-parse', 'main'], { cwd: project?.repo.barePath ?? '' })).stdout.trim()).toBe(appHead);
    const still = await kubectl(['get', 'configmap', 'settings', '-n', namespace, '-o', 'jsonpath={.data.greeting}'], '', kubeEnv);
    expect(still.stdout).toBe('hello from git');
  }, 300_000);

  it('with a deploy key: the source service fetches over SSH with the key bootstrap registered', async () => {
    const namespace = `e2e-${uniqueSuffix()}`;
    const knownHostsFile = join(dir.path, 'known_hosts');
    writeFileSync(knownHostsFile, gitlab.sshKnownHosts);
    const bootstrap = () => ferry(
      ['bootstrap', 'gitlab', '--hostname', gitlab.host, '--insecure-http', '--ssh-hostname', gitlab.sshHost, '--known-hosts-file', knownHostsFile, '--owner', 'platform', '--repository', 'fleet-ssh', '--path', 'clusters/ssh', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '90s'],
      { ...process.env, GITLAB_TOKEN: 'alice-token' },
    );
    const first = await bootstrap();
    expect(`${first.stderr}${first.code === 0 ? '' : logs()}`).not.toContain('✗');
    expect(first.code).toBe(0);
    const project = gitlab.project('platform/fleet-ssh');
    expect(project?.deployKeys).toEqual([expect.objectContaining({ title: `${namespace}-main-flux-system-clusters/ssh`, can_push: false })]);
    const kubeEnv = { ...process.env, KUBECONFIG: cli.kubeconfig };
    const head = (await exec('git', ['rev-parse', 'main'], { cwd: project?.repo.barePath ?? '' })).stdout.trim();
    const source = await kubectl(['get', 'gitrepository', 'flux-system', '-n', namespace, '-o', 'jsonpath={.spec.url} {.status.artifact.revision}'], '', kubeEnv);
    expect(source.stdout).toBe(`ssh://git@${gitlab.sshHost}/platform/fleet-ssh main@sha1:${head}`);

    const second = await bootstrap();
    expect(second.code).toBe(0);
    expect(second.lines).toEqual(expect.arrayContaining([
      `✔ deploy key "${namespace}-main-flux-system-clusters/ssh" is up to date`,
      '✔ source secret up to date',
      '✔ sync manifests are up to date',
      '✔ Kustomization reconciled successfully',
    ]));
    expect(project?.deployKeys).toHaveLength(1);
  }, 300_000);
});
