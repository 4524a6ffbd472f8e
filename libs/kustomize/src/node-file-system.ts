import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileSystem, PathKind } from './file-system.port';

/**
 * A `FileSystem` over node's fs, confined to `artifactRoot`: whatever the load restrictor allows, nothing
 * outside the artifact directory is ever read (a symlink pointing out of it is treated as missing).
 */
export class NodeFileSystem implements FileSystem {
  private readonly root: string;

  constructor(artifactRoot: string) {
    this.root = fs.realpathSync(path.resolve(artifactRoot));
  }

  readFile(p: string): Uint8Array {
    return fs.readFileSync(this.confine(p));
  }

  readDir(p: string): string[] {
    return fs.readdirSync(this.confine(p)).sort();
  }

  stat(p: string): PathKind {
    let real: string;
    try {
      real = this.confine(p);
    } catch {
      return 'missing';
    }
    const st = fs.statSync(real, { throwIfNoEntry: false });
    if (!st) return 'missing';
    return st.isDirectory() ? 'dir' : 'file';
  }

  realpath(p: string): string {
    return this.confine(p);
  }

  private confine(p: string): string {
    const real = fs.realpathSync(p);
    if (this.root !== path.sep && real !== this.root && !real.startsWith(this.root + path.sep)) {
      throw new Error(`security; file '${p}' is not in or below the artifact root '${this.root}'`);
    }
    return real;
  }
}
