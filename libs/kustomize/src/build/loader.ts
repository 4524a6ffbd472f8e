import * as path from 'node:path';
import type { FileSystem, LoadRestrictor } from '../file-system.port';
import { KustomizeError } from '../errors';

/** Reads files relative to one kustomization root, enforcing the load restrictor. */
export class Loader {
  constructor(
    readonly fs: FileSystem,
    /** Absolute, symlink-free directory of the kustomization. */
    readonly root: string,
    readonly restrictor: LoadRestrictor,
  ) {}

  /** Absolute path of a relative entry. */
  resolve(rel: string): string {
    return path.posix.resolve(this.root, rel);
  }

  /** Reads a file, refusing (by default) anything whose real path leaves the root. */
  readFile(rel: string): Uint8Array {
    const abs = this.resolve(rel);
    let real: string;
    try {
      real = this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(`evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
    }
    this.checkInRoot(real, abs);
    if (this.fs.stat(real) !== 'file') throw new KustomizeError(`'${abs}' is not a file`);
    return this.fs.readFile(real);
  }

  /** Throws when `real` is outside the root and restrictions apply. */
  checkInRoot(real: string, shown: string): void {
    if (this.restrictor === 'LoadRestrictionsNone') return;
    if (real === this.root || real.startsWith(this.root + '/')) return;
    throw new KustomizeError(`security; file '${shown}' is not in or below '${this.root}'`);
  }
}
