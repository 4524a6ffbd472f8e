import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { ferryVersion } from './version';

const root = join(__dirname, '..', '..');
const args = (...rest: string[]) => ['-r', '@swc-node/register', join(root, 'cli/src/main.ts'), ...rest];
const ferry = (...rest: string[]) => execFileSync(process.execPath, args(...rest), { cwd: root, encoding: 'utf8' });

// Asynchronous, so servers in this process keep running while the child talks to them.
function ferryProcess(...rest: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args(...rest), { cwd: root, env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function kubeconfig(dir: string, server: string): string {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  return path;
}

describe('ferry version', () => {
  it('prints the version from package.json', () => {
    expect(ferryVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(ferry('version')).toBe(`ferry: v${ferryVersion()}\n`);
  });

  it('answers -v with the same version', () => {
    expect(ferry('-v').trim()).toBe(`v${ferryVersion()}`);
  });
});

describe('ferry as a process', () => {
  // Each child transpiles the CLI on start (seconds on a loaded machine): a limit against hangs, not a speed check.
  jest.setTimeout(60_000);
  const dir = tempDir('ferry-program-');
  afterAll(() => dir.remove());

  it('exits 1 with a ✗ line on an unknown command or flag', async () => {
    const command = await ferryProcess('frobnicate');
    expect(command.code).toBe(1);
    expect(command.stderr.split('\n')[0]).toBe("✗ unknown command 'frobnicate'");
    const flag = await ferryProcess('get', 'ks', '--bogus');
    expect(flag.code).toBe(1);
    expect(flag.stderr.split('\n')[0]).toBe("✗ unknown option '--bogus'");
  });

  it('exits 1 naming the API address when the cluster is unreachable', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const r = await ferryProcess('get', 'kustomizations', '--kubeconfig', kubeconfig(dir.path, `http://127.0.0.1:${port}`));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`✗ cannot reach the Kubernetes API at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('gives up at --timeout and exits when the API server never answers', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const r = await ferryProcess('reconcile', 'ks', 'apps', '--timeout', '1s', '--kubeconfig', kubeconfig(dir.path, url));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`✗ Kubernetes API at ${url} did not answer within 1s\n`);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
