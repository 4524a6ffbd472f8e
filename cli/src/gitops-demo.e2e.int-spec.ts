import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitLabServer, tempDir, uniqueSuffix } from '@ferry/testing';
import { ferry, kubectl, startCliCluster, startPlatformServices, type CliCluster, type PlatformServices } from '../test/cli-fixture';

const exec = promisify(execFile);

/** A Slack-compatible incoming webhook on loopback: records every JSON body posted to it. */
async function startSlackWebhook(): Promise<{ url: string; messages: Array<Record<string, unknown>>; server: Server }> {
  const messages: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/demo`, messages, server };
}

const manifest = (replicas: number) => `apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: web-credentials
  namespace: demo
stringData:
  password: s3cret
`;

// The seed's GitOps demo, every piece real: `ferry bootstrap gitlab` against the GitLab-compatible server, the
// three services as processes on a test stream, a manifest pushed over HTTP, replicas changed, and the
// notifications at a Slack-compatible webhook and as GitLab commit statuses.
describe('the GitOps demo: bootstrap, push, apply, scale, break, prune, notify', () => {
  const dir = tempDir('ferry-demo-e2e-');
  const namespace = `demo-${uniqueSuffix()}`;
  let cli: CliCluster;
  let gitlab: GitLabServer;
  let slack: Awaited<ReturnType<typeof startSlackWebhook>>;
  let platform: PlatformServices | undefined;

  beforeAll(async () => {
    cli = await startCliCluster();
    gitlab = await GitLabServer.start();
    gitlab.addUser('alice', 'alice-token');
    gitlab.addGroup('platform', ['alice']);
    slack = await startSlackWebhook();
    platform = await startPlatformServices(['source', 'reconciler', 'notifier'], cli.kubeconfig, dir.path);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await new Promise<void>((resolve) => slack?.server.close(() => resolve()));
    await gitlab?.stop();
    await cli?.stop();
    dir.remove();
  });

  const [source, reconciler] = [() => platform?.processes[0], () => platform?.processes[1]];
  const logs = () => (platform?.processes ?? []).flatMap((service) => service.lines.slice(-10)).join('\n');
  const kube = async (args: string[], input = '') => (await kubectl(args, input, { ...process.env, KUBECONFIG: cli.kubeconfig })).stdout;
  const eventually = async <T>(probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let value = await probe();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      value = await probe();
    }
    return value;
  };

  it('carries every pushed change into the cluster, refuses broken YAML, prunes what left Git, and notifies Slack and GitLab', async () => {
    const bootstrap = await ferry(
      ['bootstrap', 'gitlab', '--hostname', gitlab.host, '--insecure-http', '--token-auth', '--owner', 'platform', '--repository', 'fleet', '--path', 'clusters/demo', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '90s'],
      { ...process.env, GITLAB_TOKEN: 'alice-token' },
    );
    expect(`${bootstrap.stderr}${bootstrap.code === 0 ? '' : logs()}`).toContain('✔ Kustomization reconciled successfully');

    // Alerting as a Flux user sets it up: a Slack provider, a GitLab commit-status provider, alerts for Kustomizations.
    await kube(['apply', '-f', '-'], [
      `apiVersion: v1\nkind: Secret\nmetadata: {name: gitlab-token, namespace: ${namespace}}\nstringData: {token: alice-token}`,
      `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata: {name: slack, namespace: ${namespace}}\nspec: {type: slack, channel: general, address: '${slack.url}'}`,
      `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata: {name: gitlab, namespace: ${namespace}}\nspec: {type: gitlab, address: '${gitlab.url}/platform/fleet', secretRef: {name: gitlab-token}}`,
      ...['slack', 'gitlab'].map(
        (provider) =>
          `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata: {name: ${provider}, namespace: ${namespace}}\nspec: {providerRef: {name: ${provider}}, eventSeverity: info, eventSources: [{kind: Kustomization, name: '*'}]}`,
      ),
    ].join('\n---\n'));
    const providersReady = await eventually(
      () => kube(['get', 'providers,alerts', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status} {end}']),
      (statuses) => statuses.trim() === 'True True True True',
    );
    expect(providersReady.trim()).toBe('True True True True');

    // A developer pushes the app to the fleet repository over HTTP, as they would to GitLab.
    const work = join(dir.path, 'work');
    const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', HOME: dir.path };
    const git = (...args: string[]) => exec('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.invalid', ...args], { cwd: work, env: gitEnv });
    await exec('git', ['clone', '-q', `${gitlab.url}/platform/fleet.git`.replace('http://', 'http://oauth2:alice-token@'), work], { env: gitEnv });
    const commit = async (content: string | null, message: string): Promise<{ head: string; reconcile: Awaited<ReturnType<typeof ferry>> }> => {
      const file = join(work, 'clusters/demo/apps/manifest.yaml');
      mkdirSync(join(work, 'clusters/demo/apps'), { recursive: true });
      if (content === null) rmSync(file);
      else writeFileSync(file, content);
      await git('add', '-A');
      await git('commit', '-q', '-m', message);
      await git('push', '-q', 'origin', 'main');
      const head = (await git('rev-parse', 'HEAD')).stdout.trim();
      const reconcile = await ferry(['reconcile', 'kustomization', 'flux-system', '--with-source', '-n', namespace, '--kubeconfig', cli.kubeconfig, '--timeout', '90s']);
      return { head, reconcile };
    };
    const push = async (replicas: number, message: string): Promise<string> => {
      const { head, reconcile } = await commit(manifest(replicas), message);
      expect(`${reconcile.stderr}${reconcile.code === 0 ? '' : logs()}`).toContain(`✔ applied revision main@sha1:${head}`);
      return head;
    };

    const first = await push(1, 'add the web app');
    expect((await kube(['get', 'namespace,deploy,svc,secret', '-n', 'demo', '-o', 'name'])).split('\n')).toEqual(
      expect.arrayContaining(['namespace/demo', 'deployment.apps/web', 'service/web', 'secret/web-credentials']),
    );

    const second = await push(2, 'two replicas');
    const ready = await eventually(() => kube(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.status.readyReplicas}']), (count) => count === '2');
    expect(ready).toBe('2');
    expect((await kube(['get', 'pods', '-n', 'demo', '-l', 'app=web', '-o', 'name'])).trim().split('\n')).toHaveLength(2);

    // The reconciler's log line carries the change set of the revision.
    const appliedLine = reconciler()?.lines
      .map((line) => JSON.parse(line) as { msg?: string; revision?: string; output?: Record<string, string> })
      .find((entry) => entry.msg?.startsWith('Kustomization applied in') && entry.revision === `main@sha1:${second}`);
    expect(appliedLine?.output).toMatchObject({ 'Deployment/demo/web': 'configured', 'Service/demo/web': 'unchanged' });

    // Slack hears about both revisions; GitLab gets a success status on both commits.
    const slackMessages = await eventually(
      () => slack.messages.map((message) => JSON.stringify(message)),
      (texts) => [first, second].every((sha) => texts.some((text) => text.includes(sha))),
    );
    expect(slackMessages.some((text) => text.includes(second) && text.includes(`"author_name":"kustomization/flux-system.${namespace}"`))).toBe(true);
    const statuses = await eventually(
      () => gitlab.project('platform/fleet')?.statuses ?? [],
      (list) => [first, second].every((sha) => list.some((status) => status.sha === sha && status.status === 'success')),
    );
    expect(statuses.filter((status) => status.sha === second)).toEqual([expect.objectContaining({ status: 'success', name: expect.stringContaining('kustomization/flux-system') })]);
    expect(source()?.lines.some((line) => line.includes(`main@sha1:${second}`))).toBe(true);
    expect(readFileSync(join(work, 'clusters/demo/apps/manifest.yaml'), 'utf8')).toContain('replicas: 2');

    // Broken YAML: the reconcile fails naming the file and line, the applied objects stay, Slack hears the error.
    const broken = await commit(`${manifest(3)}---\nkind: [unclosed\n`, 'broken manifest');
    expect(broken.reconcile.code).toBe(1);
    const message = await eventually(
      () => kube(['get', 'kustomization', 'flux-system', '-n', namespace, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason} {.status.conditions[?(@.type=="Ready")].message}']),
      (text) => text.startsWith('BuildFailed'),
    );
    expect(message).toMatch(/manifest\.yaml/);
    expect(message).toMatch(/line \d+/);
    expect(await kube(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.spec.replicas}'])).toBe('2');
    const errorAlert = await eventually(
      () => slack.messages.map((m) => JSON.stringify(m)).filter((text) => text.includes('"color":"danger"')),
      (texts) => texts.length > 0,
    );
    expect(errorAlert[0]).toMatch(/manifest\.yaml/);

    // The app leaves Git: everything it applied is pruned.
    const removed = await commit(null, 'remove the web app');
    expect(`${removed.reconcile.stderr}${removed.reconcile.code === 0 ? '' : logs()}`).toContain(`✔ applied revision main@sha1:${removed.head}`);
    const gone = await eventually(() => kube(['get', 'namespaces', '-o', 'name']), (names) => !names.split('\n').includes('namespace/demo'));
    expect(gone.split('\n')).not.toContain('namespace/demo');
  }, 300_000);
});
