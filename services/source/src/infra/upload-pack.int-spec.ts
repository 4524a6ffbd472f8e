import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitServer, tempDir } from '@ferry/testing';
import { httpClient } from './git-operations';
import { indexPack } from './pack-indexer';
import { HttpStatusError, discover, fetchPack, lsRefs, type UploadPackRemote } from './upload-pack';

const http = httpClient(AbortSignal.timeout(60_000), { bytes: 0 }, undefined, undefined);

describe('upload-pack client against git http-backend', () => {
  let server: GitServer;
  const dir = tempDir();

  beforeAll(async () => {
    server = await GitServer.start({ basic: { username: 'u', password: 'p' } });
  });

  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it.each([
    ['v2', true],
    ['v0', false],
  ])('fetches one commit at depth 1 over protocol %s, then only what a later commit adds', async (version, protocolV2) => {
    const repo = await server.createRepo(`up-${version}.git`);
    const first = await repo.commit({ 'a.txt': 'a'.repeat(5000), 'dir/b.txt': 'b' });
    const second = await repo.commit({ 'dir/b.txt': 'b2' });
    const remote: UploadPackRemote = { http, url: repo.url, headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }, protocolV2, advertisesFirst: false };
    const offer = await discover(remote);
    expect(offer.version).toBe(protocolV2 ? 2 : 0);
    if (offer.version === 0) expect(offer.refs.get('refs/heads/main')).toBe(second);

    const packFile = join(dir.path, `${version}-1.pack`);
    const response = await fetchPack(remote, offer, { commit: second, fetchRef: 'refs/heads/main', haves: [], shallow: [], depth: 1, packFile, maxPackBytes: 1 << 30 });
    expect(response.shallow).toEqual([second]);
    const objects = indexPack(readFileSync(packFile)).objects;
    expect(objects.has(second)).toBe(true);
    expect(objects.has(first)).toBe(false);
    expect([...objects.values()].some((object) => object.data.toString() === 'a'.repeat(5000))).toBe(true);

    const third = await repo.commit({ 'c.txt': 'c' });
    const later = join(dir.path, `${version}-2.pack`);
    // A v0 server is asked for the tip it advertises: discover again, as every fetch does.
    const incremental = await fetchPack(remote, await discover(remote), { commit: third, fetchRef: 'refs/heads/main', haves: [second], shallow: [second], depth: undefined, packFile: later, maxPackBytes: 1 << 30 });
    const added = indexPack(readFileSync(later)).objects;
    // The new commit, its root tree and the new blob; the big blob and dir/ are not sent again.
    expect(added.has(third)).toBe(true);
    expect(added.size).toBe(3);
    expect(incremental.packBytes).toBeLessThan(response.packBytes);
  });

  it('reports an HTTP failure with its status and a missing commit as a remote error', async () => {
    const repo = await server.createRepo('up-errors.git');
    await repo.commit({ 'a.txt': 'a' });
    await expect(discover({ http, url: repo.url, headers: {}, protocolV2: true, advertisesFirst: false })).rejects.toThrow(HttpStatusError);
    const remote: UploadPackRemote = { http, url: repo.url, headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }, protocolV2: true, advertisesFirst: false };
    const offer = await discover(remote);
    await expect(fetchPack(remote, offer, { commit: 'e'.repeat(40), fetchRef: undefined, haves: [], shallow: [], depth: 1, packFile: join(dir.path, 'x.pack'), maxPackBytes: 1 << 30 })).rejects.toThrow(
      `remote error: upload-pack: not our ref ${'e'.repeat(40)}`,
    );
  });

  it('lists refs under a prefix with one v2 ls-refs request, annotated tags peeled; the same from a v0 advertisement', async () => {
    const repo = await server.createRepo('up-refs.git');
    const commit = await repo.commit({ 'a.txt': 'a' });
    await repo.tag('v1.0.0', { message: 'annotated' });
    await repo.tag('v1.0.1');
    const auth = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };
    server.resetCounters();
    const v2 = await lsRefs({ http, url: repo.url, headers: auth, protocolV2: true, advertisesFirst: false }, 'refs/tags/');
    // The server records a request when its CGI exits, a moment after the answer arrived.
    for (let waited = 0; server.requests.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /up-refs.git/git-upload-pack']);
    expect(v2).toEqual([
      { ref: 'refs/tags/v1.0.0', oid: commit, object: expect.stringMatching(/^[0-9a-f]{40}$/) },
      { ref: 'refs/tags/v1.0.1', oid: commit },
    ]);
    expect(v2[0]?.object).not.toBe(commit);
    const v0 = await lsRefs({ http, url: repo.url, headers: auth, protocolV2: false, advertisesFirst: false }, 'refs/tags/');
    expect(v0).toEqual(v2);
    expect(await lsRefs({ http, url: repo.url, headers: auth, protocolV2: true, advertisesFirst: false }, undefined)).toContainEqual({ ref: 'refs/heads/main', oid: commit });
  });
});
