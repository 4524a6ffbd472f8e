import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { extractTarGz, sha256Digest } from '@ferry/artifact';
import { GitServer, HttpProxy, selfSignedCertificate, tempDir } from '@ferry/testing';
import { resolveRef } from '../domain/git-ref';
import type { GitRemote } from '../app/ports';
import { MAX_MIRROR_PACKS, fetchAndArchive, listRemoteRefs } from './git-operations';

describe('git operations against a loopback git http-backend', () => {
  let server: GitServer;
  const dir = tempDir();
  const limits = { maxFiles: 1000, maxBytes: 10_000_000 };

  beforeAll(async () => {
    server = await GitServer.start({ basic: { username: 'flux', password: 'pw' } });
  });

  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it('lists refs, fetches into a mirror and archives the tree; a new commit fetches only what changed', async () => {
    const repo = await server.createRepo('ops.git');
    const big = randomBytes(200_000);
    const first = await repo.commit({ 'app/big.txt': big, 'app/cm.yaml': 'a: 1\n', '.github/ci.yml': 'x', 'run.sh': '#!/bin/sh\n' }, { executable: ['run.sh'] });
    await repo.tag('v1.0.0');
    const remote: GitRemote = { url: repo.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000 };
    const { refs } = await listRemoteRefs(remote, 'refs/heads/main');
    const resolved = resolveRef({ branch: 'main' }, refs, repo.url);
    expect(resolved).toEqual({ fetchRef: 'refs/heads/main', commit: first, revision: `main@sha1:${first}` });

    const mirrorDir = join(dir.path, 'mirror');
    const out1 = join(dir.path, 'a1.tar.gz');
    const result = await fetchAndArchive({ remote, mirrorDir, fetchRef: resolved.fetchRef, commit: first, shallow: true, ignore: undefined, includes: [], outFile: out1, limits });
    expect(result.digest).toBe(sha256Digest(readFileSync(out1)));
    expect(result.files).toBe(3);
    const root = join(dir.path, 'x1');
    extractTarGz(readFileSync(out1), root);
    expect(readFileSync(join(root, 'app/cm.yaml'), 'utf8')).toBe('a: 1\n');
    expect(result.bytesReceived).toBeGreaterThan(0);

    const second = await repo.commit({ 'app/cm.yaml': 'a: 2\n' });
    const again = await fetchAndArchive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit: second, shallow: true, ignore: 'run.sh', includes: [], outFile: join(dir.path, 'a2.tar.gz'), limits });
    expect(again.files).toBe(2);
    const root2 = join(dir.path, 'x2');
    extractTarGz(readFileSync(join(dir.path, 'a2.tar.gz')), root2);
    expect(readFileSync(join(root2, 'app/cm.yaml'), 'utf8')).toBe('a: 2\n');
    expect(readFileSync(join(root2, 'app/big.txt')).equals(big)).toBe(true);
    // The big blob is already in the mirror: the incremental fetch is a fraction of the first one.
    expect(again.bytesReceived).toBeLessThan(result.bytesReceived / 4);

    const cached = await fetchAndArchive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit: second, shallow: true, ignore: 'run.sh', includes: [], outFile: join(dir.path, 'a3.tar.gz'), limits });
    expect(cached.bytesReceived).toBe(0);
    expect(cached.digest).toBe(again.digest);
  });

  it('starts a mirror over with a depth-1 fetch once incremental fetches have gathered too many packs', async () => {
    const repo = await server.createRepo('packs.git');
    const big = randomBytes(100_000);
    const first = await repo.commit({ 'big.bin': big, 'a.yaml': 'a: 1\n' });
    const remote: GitRemote = { url: repo.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000 };
    const mirrorDir = join(dir.path, 'packs');
    const job = { remote, mirrorDir, fetchRef: 'refs/heads/main', shallow: true, ignore: undefined, includes: [], limits };
    const initial = await fetchAndArchive({ ...job, commit: first, outFile: join(dir.path, 'p1.tar.gz') });
    const packDir = join(mirrorDir, 'objects', 'pack');
    const [pack] = readdirSync(packDir).filter((name) => name.endsWith('.pack'));
    // Copies stand for the packs of earlier incremental fetches.
    for (let i = 1; i < MAX_MIRROR_PACKS; i++) {
      const name = `pack-${String(i).padStart(40, '0')}`;
      copyFileSync(join(packDir, pack as string), join(packDir, `${name}.pack`));
      copyFileSync(join(packDir, (pack as string).replace(/\.pack$/, '.idx')), join(packDir, `${name}.idx`));
    }
    const second = await repo.commit({ 'a.yaml': 'a: 2\n' });
    const again = await fetchAndArchive({ ...job, commit: second, outFile: join(dir.path, 'p2.tar.gz') });
    expect(again.bytesReceived).toBeGreaterThan(initial.bytesReceived / 2);
    expect(readdirSync(packDir).filter((name) => name.endsWith('.pack'))).toHaveLength(1);
    extractTarGz(readFileSync(join(dir.path, 'p2.tar.gz')), join(dir.path, 'xp'));
    expect(readFileSync(join(dir.path, 'xp', 'big.bin')).equals(big)).toBe(true);
  });

  it('stops a fetch whose pack grows past the byte limit, naming the limit', async () => {
    const repo = await server.createRepo('huge.git');
    const commit = await repo.commit({ 'big.bin': randomBytes(300_000) });
    const remote: GitRemote = { url: repo.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000 };
    const job = { remote, mirrorDir: join(dir.path, 'huge'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'huge.tar.gz') };
    await expect(fetchAndArchive({ ...job, limits: { maxFiles: 10, maxBytes: 100_000 } })).rejects.toMatchObject({
      reason: 'StorageOperationFailed',
      retryable: false,
      message: `failed to fetch '${repo.url}': the repository's pack exceeds the limit of 100000 bytes`,
    });
    expect(readdirSync(join(dir.path, 'huge', 'objects', 'pack'))).toEqual([]);
    expect((await fetchAndArchive({ ...job, limits })).files).toBe(1);
  });

  it('archives only the sparse checkout directories, and names one the commit does not have', async () => {
    const repo = await server.createRepo('sparse.git');
    const commit = await repo.commit({ 'apps/a.yaml': 'a', 'apps/sub/b.yaml': 'b', 'infra/c.yaml': 'c', 'root.yaml': 'r', 'apps/.sourceignore': 'b.yaml\n' });
    const remote: GitRemote = { url: repo.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000 };
    const out = join(dir.path, 'sparse.tar.gz');
    const job = { remote, mirrorDir: join(dir.path, 'sparse'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: out, limits };
    await fetchAndArchive({ ...job, sparseCheckout: ['apps/', './infra'] });
    const root = join(dir.path, 'xs');
    extractTarGz(readFileSync(out), root);
    expect(readdirSync(root, { recursive: true }).map(String).filter((path) => path.endsWith('.yaml')).sort()).toEqual(['apps/a.yaml', 'infra/c.yaml']);
    await expect(fetchAndArchive({ ...job, sparseCheckout: ['apps', 'missing'] })).rejects.toMatchObject({ reason: 'GitOperationFailed', message: "sparse checkout dir 'missing' does not exist in repository" });
  });

  it('fetches submodules (a relative URL, with the same credentials) and includes their files when asked', async () => {
    const lib = await server.createRepo('lib.git');
    await lib.commit({ 'lib.yaml': 'lib: 1\n' });
    const app = await server.createRepo('super.git');
    await app.commit({ 'app.yaml': 'app: 1\n' });
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', '../lib.git', 'vendor/lib'], { cwd: app.workPath, env: { ...process.env, HOME: app.workPath } });
    const commit = await app.commit({ 'app.yaml': 'app: 2\n' });
    const remote: GitRemote = { url: app.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000 };
    const job = { remote, mirrorDir: join(dir.path, 'super'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], limits };
    const withModules = await fetchAndArchive({ ...job, recurseSubmodules: true, outFile: join(dir.path, 'super1.tar.gz') });
    const root = join(dir.path, 'xsub');
    extractTarGz(readFileSync(join(dir.path, 'super1.tar.gz')), root);
    expect(readFileSync(join(root, 'vendor/lib/lib.yaml'), 'utf8')).toBe('lib: 1\n');
    // app.yaml and the submodule's file; .gitmodules is one of Flux's default exclusions.
    expect(withModules.files).toBe(2);
    const without = await fetchAndArchive({ ...job, outFile: join(dir.path, 'super2.tar.gz') });
    expect(without.files).toBe(1);
  });

  it('reports bad credentials as AuthenticationFailed without leaking them', async () => {
    const repo = await server.createRepo('auth.git');
    await repo.commit({ 'a.txt': 'a' });
    const remote: GitRemote = { url: repo.url, auth: { username: 'flux', password: 'wrong-pw' }, timeoutMs: 10_000 };
    const error = (await listRemoteRefs(remote, undefined).catch((e: unknown) => e)) as Error & { reason: string };
    expect(error).toMatchObject({ reason: 'AuthenticationFailed' });
    expect(error.message).toContain(repo.url);
    expect(error.message).not.toContain('wrong-pw');
  });

  it('gives up after spec.timeout on a server that never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as AddressInfo;
    try {
      const remote: GitRemote = { url: `http://127.0.0.1:${port}/slow.git`, auth: {}, timeoutMs: 300 };
      await expect(listRemoteRefs(remote, undefined)).rejects.toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining('timeout after 300ms') });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('trusts a custom CA for HTTPS remotes and refuses an unknown one', async () => {
    const tls = selfSignedCertificate();
    const secure = await GitServer.start({}, tls);
    try {
      const repo = await secure.createRepo('tls.git');
      const commit = await repo.commit({ 'a.yaml': 'a: 1\n' });
      expect(repo.url.startsWith('https://127.0.0.1:')).toBe(true);
      const trusted: GitRemote = { url: repo.url, auth: { caFile: tls.cert }, timeoutMs: 10_000 };
      const { refs } = await listRemoteRefs(trusted, 'refs/heads/main');
      expect(refs).toEqual([{ ref: 'refs/heads/main', oid: commit }]);
      const result = await fetchAndArchive({ remote: trusted, mirrorDir: join(dir.path, 'tls'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'tls.tar.gz'), limits });
      expect(result.files).toBe(1);
      await expect(listRemoteRefs({ ...trusted, auth: {} }, undefined)).rejects.toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining('SELF_SIGNED') });
    } finally {
      await secure.stop();
    }
  });

  it('goes through the proxy of proxySecretRef: CONNECT for HTTPS, forwarded requests for HTTP, 407 as an auth failure', async () => {
    const tls = selfSignedCertificate();
    const secure = await GitServer.start({}, tls);
    const proxy = await HttpProxy.start({ username: 'p', password: 'secret' });
    try {
      const repo = await secure.createRepo('proxied.git');
      const commit = await repo.commit({ 'a.yaml': 'a: 1\n' });
      const remote: GitRemote = { url: repo.url, auth: { caFile: tls.cert }, timeoutMs: 10_000, proxy: { address: proxy.url, username: 'p', password: 'secret' } };
      expect((await listRemoteRefs(remote, 'refs/heads/main')).refs).toEqual([{ ref: 'refs/heads/main', oid: commit }]);
      const result = await fetchAndArchive({ remote, mirrorDir: join(dir.path, 'proxied'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'proxied.tar.gz'), limits });
      expect(result.files).toBe(1);
      const host = new URL(repo.url).host;
      expect(proxy.records.length).toBeGreaterThanOrEqual(3);
      expect(proxy.records.every((record) => record.method === 'CONNECT' && record.target === host && record.status === 200)).toBe(true);

      const plain = await server.createRepo('proxied-plain.git');
      await plain.commit({ 'b.yaml': 'b: 1\n' });
      proxy.records.length = 0;
      await listRemoteRefs({ url: plain.url, auth: { username: 'flux', password: 'pw' }, timeoutMs: 10_000, proxy: { address: proxy.url, username: 'p', password: 'secret' } }, undefined);
      expect(proxy.records[0]).toEqual({ method: 'POST', target: `${plain.url}/git-upload-pack`, status: 200 });

      const refused = { ...remote, proxy: { address: proxy.url, username: 'p', password: 'wrong' } };
      const error = (await listRemoteRefs(refused, undefined).catch((e: unknown) => e)) as Error & { reason: string };
      expect(error).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining('HTTP 407') });
      expect(error.message).not.toContain('wrong');
    } finally {
      await proxy.stop();
      await secure.stop();
    }
  });

  it('reports an unreachable host as GitOperationFailed', async () => {
    const remote: GitRemote = { url: 'http://127.0.0.1:1/nothing.git', auth: {}, timeoutMs: 5_000 };
    await expect(listRemoteRefs(remote, undefined)).rejects.toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining('127.0.0.1:1') });
  });
});
