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

  it('speaks protocol v2 over SSH: ls-refs with a prefix, and a commit that is no ref tip fetched at depth 1', async () => {
    const repo = await git.createRepo('v2-ssh.git');
    const old = await repo.commit({ 'a.yaml': 'a: 1\n' });
    const tip = await repo.commit({ 'a.yaml': 'a: 2\n' });
    await repo.tag('v1.0.0');
    const remote: GitRemote = { url: `${ssh.url}/v2-ssh.git`, auth: { identity: key.private, knownHosts: ssh.knownHosts }, timeoutMs: 15_000 };
    expect((await listRemoteRefs(remote, 'refs/heads/')).refs).toEqual([{ ref: 'refs/heads/main', oid: tip }]);
    const mirrorDir = join(dir.path, 'v2-mirror');
    const out = join(dir.path, 'v2.tar.gz');
    await fetchAndArchive({ remote, mirrorDir, fetchRef: undefined, commit: old, shallow: true, ignore: undefined, includes: [], outFile: out, limits });
    extractTarGz(readFileSync(out), join(dir.path, 'v2'));
    expect(readFileSync(join(dir.path, 'v2', 'a.yaml'), 'utf8')).toBe('a: 1\n');
    // v0 could only want the tip and fetch history down to the commit; v2 wants the commit itself, shallow.
    expect(readFileSync(join(mirrorDir, 'shallow'), 'utf8')).toBe(`${old}\n`);
  });

  it('falls back to protocol v0 with a server that does not accept GIT_PROTOCOL', async () => {
    const v0 = await GitSshServer.start(git.reposPath, key.public, { acceptGitProtocol: false });
    try {
      const repo = await git.createRepo('v0-ssh.git');
      const commit = await repo.commit({ 'a.yaml': 'a: 1\n' });
      await repo.tag('v1.0.0', { message: 'annotated' });
      const remote: GitRemote = { url: `${v0.url}/v0-ssh.git`, auth: { identity: key.private, knownHosts: v0.knownHosts }, timeoutMs: 15_000 };
      const { refs } = await listRemoteRefs(remote, 'refs/tags/');
      expect(refs).toEqual([{ ref: 'refs/tags/v1.0.0', oid: commit, object: expect.stringMatching(/^[0-9a-f]{40}$/) }]);
      const result = await fetchAndArchive({ remote, mirrorDir: join(dir.path, 'v0-mirror'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'v0.tar.gz'), limits });
      expect(result.files).toBe(1);
    } finally {
      await v0.stop();
    }
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
