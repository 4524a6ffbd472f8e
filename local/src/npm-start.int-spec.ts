import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { deleteTestStream, tempDir, uniqueSuffix } from '@ferry/testing';

jest.setTimeout(240_000);

const exec = promisify(execFile);
const repositoryRoot = resolve(__dirname, '../..');

// `npm ci && npm start` from a clean clone: the clone shares this checkout's node_modules instead of
// installing them again; everything else (state, ports, event stream) is its own.
describe('npm start from a clean clone', () => {
  const dir = tempDir('ferry-start-');
  const clone = join(dir.path, 'ferry');
  const suffix = uniqueSuffix();
  const stream = `START_${suffix}`;
  const portBase = 20_000 + Math.floor(Math.random() * 400) * 10;
  let platform: ChildProcess;
  let output = '';

  const kubectl = async (...args: string[]) =>
    (await exec('kubectl', ['--kubeconfig', join(clone, '.ferry', 'kubeconfig'), '--cache-dir', join(dir.path, 'kube-cache'), ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: dir.path } })).stdout;

  const eventually = async (probe: () => Promise<string>, wanted: (value: string) => boolean, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let value = '';
    while (Date.now() < deadline) {
      value = await probe().catch((error: unknown) => String(error));
      if (wanted(value)) return value;
      await new Promise((done) => setTimeout(done, 500));
    }
    return value;
  };

  beforeAll(async () => {
    await exec('git', ['clone', '-q', repositoryRoot, clone]);
    symlinkSync(join(repositoryRoot, 'node_modules'), join(clone, 'node_modules'));
    platform = spawn('npm', ['start'], {
      cwd: clone,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir.path,
        FERRY_PORT_BASE: String(portBase),
        FERRY_EVENT_STREAM: stream,
        FERRY_EVENT_SUBJECT_PREFIX: `start${suffix}.ferry.events`,
        FERRY_EVENT_STORAGE: 'memory',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => output, (text) => text.includes('Ferry is running') || platform.exitCode !== null, 150_000);
  });

  const groupAlive = (): boolean => {
    try {
      process.kill(-(platform.pid ?? 0), 0);
      return true;
    } catch {
      return false;
    }
  };

  afterAll(async () => {
    if (groupAlive()) process.kill(-(platform.pid ?? 0), 'SIGKILL');
    await deleteTestStream(stream);
    dir.remove();
  });

  it('runs the example to Ready, carries a pushed change into the cluster, and stops on Ctrl-C', async () => {
    expect(output).toContain('✔ Ferry is running');
    expect(output).toContain(`kubeconfig ${join(clone, '.ferry', 'kubeconfig')}`);
    const ready = await eventually(
      () => kubectl('get', 'kustomization', 'example', '-n', 'flux-system', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'),
      (status) => status === 'True',
      90_000,
    );
    expect(ready).toBe('True');
    expect((await kubectl('get', 'deploy,svc,secret', '-n', 'demo', '-o', 'name')).split('\n')).toEqual(
      expect.arrayContaining(['deployment.apps/web', 'service/web', 'secret/web-credentials']),
    );
    // The Helm example: the chart from the local Helm repository, installed by the HelmRelease.
    const released = await eventually(
      () => kubectl('get', 'helmrelease', 'podinfo', '-n', 'flux-system', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.history[0].chartVersion}'),
      (status) => status === 'True 6.5.0',
      90_000,
    );
    expect(released).toBe('True 6.5.0');
    expect(await kubectl('get', 'deploy', 'podinfo', '-n', 'podinfo', '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}')).toBe('Helm');

    const work = join(clone, '.ferry', 'git', 'work', 'example.git');
    const manifest = join(work, 'apps', 'manifest.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('replicas: 1', 'replicas: 2'));
    const git = (...args: string[]) => exec('git', ['-C', work, '-c', 'user.name=Ferry test', '-c', 'user.email=test@ferry.dev', ...args]);
    await git('commit', '-qam', 'two replicas');
    await git('push', '-q', 'origin', 'main');
    const replicas = await eventually(
      () => kubectl('get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.status.readyReplicas}'),
      (count) => count === '2',
      60_000,
    );
    expect(replicas).toBe('2');
    // What `ferry logs` reads: each service's JSON lines under .ferry/logs.
    expect(readFileSync(join(clone, '.ferry', 'logs', 'reconciler.log'), 'utf8')).toMatch(/"msg":"Kustomization applied in [^"]+","controller":"kustomization"/);

    // Ctrl-C reaches the whole foreground process group: npm, start.js and what it started.
    process.kill(-(platform.pid ?? 0), 'SIGINT');
    await eventually(async () => (groupAlive() ? 'running' : 'gone'), (state) => state === 'gone', 30_000);
    expect(groupAlive()).toBe(false);
    expect(output).toContain('► stopping Ferry');
    expect(output).toContain('✔ stopped');
  });
});
