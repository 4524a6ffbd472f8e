import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import { selfSignedCertificate } from './git-server';
import { HelmRepositoryServer } from './helm-repository-server';
import { podinfoLikeChart } from './podinfo-chart';
import { tempDir } from './real-services';

interface IndexFile {
  apiVersion: string;
  generated: string;
  entries: Record<string, { name: string; version: string; appVersion?: string; urls: string[]; digest: string; created: string }[]>;
}

describe('HelmRepositoryServer', () => {
  it('packages charts as <name>-<version>.tgz below <name>/ and lists them in index.yaml, newest first', async () => {
    const server = await HelmRepositoryServer.start();
    const dir = tempDir();
    try {
      server.publish(podinfoLikeChart('6.0.0'), new Date('2026-01-01T00:00:00Z'));
      const latest = server.publish(podinfoLikeChart('6.1.0', { replicaCount: 2 }), new Date('2026-02-01T00:00:00Z'));
      const index = parse(await (await fetch(`${server.url}/index.yaml`)).text()) as IndexFile;
      expect(index.apiVersion).toBe('v1');
      expect(index.entries['podinfo']?.map((e) => e.version)).toEqual(['6.1.0', '6.0.0']);
      expect(index.entries['podinfo']?.[0]).toMatchObject({ name: 'podinfo', appVersion: '6.1.0', urls: ['podinfo-6.1.0.tgz'], created: '2026-02-01T00:00:00.000Z' });

      const response = await fetch(`${server.url}/podinfo-6.1.0.tgz`);
      const archive = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(archive).digest('hex')).toBe(index.entries['podinfo']?.[0]?.digest);
      expect(latest.digest).toBe(index.entries['podinfo']?.[0]?.digest);
      writeFileSync(join(dir.path, 'chart.tgz'), archive);
      const listing = execFileSync('tar', ['-tzf', join(dir.path, 'chart.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean);
      expect(listing).toEqual(expect.arrayContaining(['podinfo/Chart.yaml', 'podinfo/values.yaml', 'podinfo/templates/deployment.yaml', 'podinfo/templates/_helpers.tpl']));
      expect(listing.every((entry) => entry.startsWith('podinfo/'))).toBe(true);
      execFileSync('tar', ['-C', dir.path, '-xzf', join(dir.path, 'chart.tgz')]);
      expect(parse(readFileSync(join(dir.path, 'podinfo', 'values.yaml'), 'utf8'))).toMatchObject({ replicaCount: 2 });
      expect((await fetch(`${server.url}/podinfo-9.9.9.tgz`)).status).toBe(404);
      expect(server.requestCount('/index.yaml')).toBe(1);
      expect(server.requestCount()).toBe(3);
    } finally {
      dir.remove();
      await server.stop();
    }
  });

  it('asks for basic auth, serves absolute URLs over TLS, and can serve a broken index', async () => {
    const tls = selfSignedCertificate();
    const server = await HelmRepositoryServer.start({ basic: { username: 'helm', password: 'pw' }, tls, absoluteUrls: true });
    try {
      server.publish(podinfoLikeChart('1.0.0'));
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const get = (path: string, auth?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const request = httpsGet(`${server.url}${path}`, { ca: tls.cert, headers: auth ? { authorization: auth } : {} }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          request.on('error', reject);
        });
      expect((await get('/index.yaml')).status).toBe(401);
      const ok = await get('/index.yaml', `Basic ${Buffer.from('helm:pw').toString('base64')}`);
      expect(ok.status).toBe(200);
      expect((parse(ok.body) as IndexFile).entries['podinfo']?.[0]?.urls).toEqual([`${server.url}/podinfo-1.0.0.tgz`]);
      expect(server.requests.map((r) => [r.status, r.authorized])).toEqual([[401, false], [200, true]]);
      server.overrideIndex('<html>not an index</html>');
      expect((await get('/index.yaml', `Basic ${Buffer.from('helm:pw').toString('base64')}`)).body).toBe('<html>not an index</html>');
    } finally {
      await server.stop();
    }
  });

  it('answers a matching If-None-Match with 304 when asked to send ETags', async () => {
    const server = await HelmRepositoryServer.start({ etag: true });
    try {
      server.publish(podinfoLikeChart('1.0.0'));
      const first = await fetch(`${server.url}/index.yaml`);
      const etag = first.headers.get('etag') ?? '';
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect((await fetch(`${server.url}/index.yaml`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
      server.publish(podinfoLikeChart('1.1.0'));
      expect((await fetch(`${server.url}/index.yaml`, { headers: { 'If-None-Match': etag } })).status).toBe(200);
      expect(server.requests.map((r) => r.status)).toEqual([200, 304, 200]);
    } finally {
      await server.stop();
    }
  });
});
