import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { sha256Digest } from '@ferry/artifact';
import { tempDir } from '@ferry/testing';

/** A published artifact: what a GitRepository's status.artifact says. */
export interface PublishedArtifact {
  revision: string;
  digest: string;
  url: string;
  size: number;
}

/** Serves tar.gz artifacts over loopback HTTP, standing in for the source service's artifact storage. */
export class ArtifactServer {
  private readonly files = new Map<string, Buffer>();
  private server: Server | undefined;
  private base = '';
  private counter = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const body = this.files.get(req.url ?? '');
      if (!body) {
        res.statusCode = 404;
        res.end('not found');
        return;
      }
      res.setHeader('Content-Type', 'application/gzip');
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Packs files (path → content) with GNU tar and serves them under a new revision (a Git revision, or the
   * given one, as a HelmChart's chart version). `top` packs only that directory, as `helm package` lays out charts.
   */
  publish(files: Record<string, string>, options: { tamper?: boolean; top?: string; revision?: string } = {}): PublishedArtifact {
    const dir = tempDir();
    try {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir.path, path)), { recursive: true });
        writeFileSync(join(dir.path, path), content);
      }
      const archive = execFileSync('tar', ['-C', dir.path, '-czf', '-', options.top ?? '.']);
      const sha = (++this.counter).toString(16).padStart(40, '0');
      const path = `/gitrepository/flux-system/repo/${sha}.tar.gz`;
      // A tampered artifact: the announced digest is of the original, the bytes served are not.
      this.files.set(path, options.tamper ? Buffer.concat([archive, Buffer.from('tampered')]) : archive);
      return { revision: options.revision ?? `main@sha1:${sha}`, digest: sha256Digest(archive), url: `${this.base}${path}`, size: archive.length };
    } finally {
      dir.remove();
    }
  }
}
