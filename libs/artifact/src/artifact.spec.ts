import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { ArtifactFetchError, fetchArtifact, sha256Digest } from './fetch-artifact';
import { UnsafeArchiveError, extractTarGz } from './untar';

/** Builds a .tar.gz with the real GNU tar from files laid out in a temp dir. */
function tarGz(layout: (dir: string) => void, tarArgs: string[] = ['.']): Buffer {
  const src = tempDir();
  try {
    layout(src.path);
    return execFileSync('tar', ['-C', src.path, '-czf', '-', ...tarArgs]);
  } finally {
    src.remove();
  }
}

describe('extractTarGz', () => {
  it('unpacks files and directories, long paths included, with fixed modes', () => {
    const longDir = 'a'.repeat(60) + '/' + 'b'.repeat(60);
    const archive = tarGz((dir) => {
      mkdirSync(join(dir, 'apps', longDir), { recursive: true });
      writeFileSync(join(dir, 'apps', 'deploy.yaml'), 'kind: Deployment\n', { mode: 0o600 });
      writeFileSync(join(dir, 'apps', longDir, 'deep.yaml'), 'kind: ConfigMap\n');
      writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    });
    const out = tempDir();
    try {
      expect(extractTarGz(archive, out.path)).toBe(3);
      expect(readFileSync(join(out.path, 'apps', 'deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
      expect(readFileSync(join(out.path, 'apps', longDir, 'deep.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
      expect(statSync(join(out.path, 'apps', 'deploy.yaml')).mode & 0o777).toBe(0o644);
      expect(statSync(join(out.path, 'run.sh')).mode & 0o777).toBe(0o644);
    } finally {
      out.remove();
    }
  });

  it('refuses entries that escape the directory', () => {
    const archive = tarGz((dir) => {
      mkdirSync(join(dir, 'inner'));
      writeFileSync(join(dir, 'evil.yaml'), 'x');
    }, ['-P', '--transform', 's,^evil,inner/../../evil,', 'evil.yaml']);
    const out = tempDir();
    try {
      expect(() => extractTarGz(archive, out.path)).toThrow(UnsafeArchiveError);
      expect(() => extractTarGz(archive, out.path)).toThrow(/"inner\/\.\.\/\.\.\/evil\.yaml" points outside/);
      expect(readdirSync(join(out.path, '..'))).not.toContain('evil.yaml');
    } finally {
      out.remove();
    }
  });

  it('refuses symbolic links', () => {
    const archive = tarGz((dir) => symlinkSync('/etc/passwd', join(dir, 'passwd')));
    const out = tempDir();
    try {
      expect(() => extractTarGz(archive, out.path)).toThrow(/"\.\/passwd" is a link/);
    } finally {
      out.remove();
    }
  });

  it('enforces the size and entry caps', () => {
    const archive = tarGz((dir) => {
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.yaml`), 'x'.repeat(1000));
    });
    const out = tempDir();
    try {
      expect(() => extractTarGz(archive, out.path, { maxBytes: 2500, maxEntries: 100 })).toThrow(/more than 2500 bytes/);
      const again = tempDir();
      expect(() => extractTarGz(archive, again.path, { maxBytes: 1e6, maxEntries: 3 })).toThrow(/more than 3 entries/);
      again.remove();
    } finally {
      out.remove();
    }
  });

  it('refuses something that is not gzip', () => {
    const out = tempDir();
    expect(() => extractTarGz(Buffer.from('plain text'), out.path)).toThrow(/not a gzip archive/);
    out.remove();
  });
});

describe('fetchArtifact', () => {
  let server: Server;
  let base: string;
  const body = Buffer.from('artifact bytes');

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.tar.gz') res.end(body);
      else if (req.url === '/big.tar.gz') res.end(Buffer.alloc(5000));
      else {
        res.statusCode = 404;
        res.end('nope');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const limits = { maxBytes: 1000, timeoutMs: 5000 };

  it('returns the bytes when the digest matches', async () => {
    expect(await fetchArtifact(`${base}/ok.tar.gz`, sha256Digest(body), limits)).toEqual(body);
  });

  it('refuses a tampered artifact at the verify stage', async () => {
    const error = await fetchArtifact(`${base}/ok.tar.gz`, sha256Digest(Buffer.from('other')), limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactFetchError);
    expect(error).toMatchObject({ stage: 'verify', message: expect.stringMatching(/computed digest sha256:[0-9a-f]{64} does not match/) });
  });

  it('reports HTTP errors and oversized bodies at the fetch stage', async () => {
    await expect(fetchArtifact(`${base}/missing.tar.gz`, sha256Digest(body), limits)).rejects.toMatchObject({
      stage: 'fetch',
      message: expect.stringContaining('status: 404'),
    });
    await expect(fetchArtifact(`${base}/big.tar.gz`, sha256Digest(body), limits)).rejects.toThrow(/larger than 1000 bytes/);
  });
});
