import { basename, dirname } from 'node:path';
import type { FileSystem, PathKind } from '../file-system.port';

/**
 * A read-only FileSystem with some files replaced or added in memory (absolute paths), so the kustomization
 * file Ferry generates or overlays never has to be written into a shared, unpacked artifact.
 */
export class OverlayFileSystem implements FileSystem {
  constructor(
    private readonly base: FileSystem,
    private readonly files: ReadonlyMap<string, string>,
  ) {}

  readFile(path: string): Uint8Array {
    const content = this.files.get(path);
    return content === undefined ? this.base.readFile(path) : Buffer.from(content, 'utf8');
  }

  readDir(path: string): string[] {
    const added = [...this.files.keys()].filter((file) => dirname(file) === path).map((file) => basename(file));
    return [...new Set([...this.base.readDir(path), ...added])].sort();
  }

  stat(path: string): PathKind {
    return this.files.has(path) ? 'file' : this.base.stat(path);
  }

  realpath(path: string): string {
    return this.files.has(path) ? path : this.base.realpath(path);
  }
}
