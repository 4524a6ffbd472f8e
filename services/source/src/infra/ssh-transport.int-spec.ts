import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractTarGz } from '@ferry/artifact';
import { GitServer, GitSshServer, generateSshKeyPair, tempDir } from '@ferry/testing';
import type { GitRemote } from '../app/ports';
import { resolveRef } from '../domain/git-ref';
import { fetchAndArchive, listRemoteRefs } from './git-operations';

describe('git over SSH (ssh2 client carrying git-upload-pack) against a loopback SSH server', () => {
  const dir = tempDir();
  const key = generateSshKeyPair();
  let git: GitServer;
  let ssh: GitSshServer;
  const limits = { maxFiles: 1000, maxBytes: 10_000_000 };

  beforeAll(async () => {
    git = await GitServer.start();
    ssh = await GitSshServer.start(git.reposPath, key.public);
  });

  afterAll(async () => {
    await ssh.stop();
    await git.stop();
    dir.remove();
  });

  it('lists refs, fetches and archives; a second commit is fetched incrementally', async () => {
    const repo = await git.createRepo('over-ssh.git');
    const first = await repo.commit({ 'deploy/a.yaml': 'a: 1\n' });
    await repo.tag('v1.0.0', { message: 'annotated' });
    const remote: GitRemote = { url: `${ssh.url}/over-ssh.git`, auth: { identity: key.private, knownHosts: ssh.knownHosts }, timeoutMs: 15_000 };
    const { refs } = await listRemoteRefs(remote, 'refs/tags/');
    expect(resolveRef({ tag: 'v1.0.0' }, refs, remote.url).commit).toBe(first);
    const resolved = resolveRef({ branch: 'main' }, (await listRemoteRefs(remote, 'refs/heads/main')).refs, remote.url);
    const mirrorDir = join(dir.path, 'mirror');
    const out = join(dir.path, 'a.tar.gz');
    const result = await fetchAndArchive({ remote, mirrorDir, fetchRef: resolved.fetchRef, commit: first, shallow: true, ignore: undefined, includes: [], outFile: out, limits });
    expect(result.files).toBe(1);
    extractTarGz(readFileSync(out), join(dir.path, 'x'));
    expect(readFileSync(join(dir.path, 'x', 'deploy/a.yaml'), 'utf8')).toBe('a: 1\n');

    const second = await repo.commit({ 'deploy/a.yaml': 'a: 2\n' });
    const next = await fetchAndArchive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit: second, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'b.tar.gz'), limits });
    extractTarGz(readFileSync(join(dir.path, 'b.tar.gz')), join(dir.path, 'y'));
    expect(readFileSync(join(dir.path, 'y', 'deploy/a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(next.bytesReceived).toBeGreaterThan(0);
  });

  it('refuses an unknown host key and reports a rejected identity as AuthenticationFailed', async () => {
    await git.createRepo('guarded.git');
    const other = generateSshKeyPair();
    const wrongHost: GitRemote = { url: `${ssh.url}/guarded.git`, auth: { identity: key.private, knownHosts: `[127.0.0.1]:1 ${other.public}` }, timeoutMs: 15_000 };
    await expect(listRemoteRefs(wrongHost, undefined)).rejects.toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining('knownhosts: key mismatch') });
    const wrongKey: GitRemote = { url: `${ssh.url}/guarded.git`, auth: { identity: other.private, knownHosts: ssh.knownHosts }, timeoutMs: 15_000 };
    await expect(listRemoteRefs(wrongKey, undefined)).rejects.toMatchObject({ reason: 'AuthenticationFailed' });
    const noKey: GitRemote = { url: `${ssh.url}/guarded.git`, auth: {}, timeoutMs: 15_000 };
    await expect(listRemoteRefs(noKey, undefined)).rejects.toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining("'identity' and 'known_hosts'") });
  });
});
