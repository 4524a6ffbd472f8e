import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveRequest, ArchiveResult, GitClient, GitRemote, ObjectKey } from '../app/ports';
import type { AdvertisedRef } from '../domain/git-ref';
import { listRemoteRefs } from './git-operations';
import { removeOrphans } from './file-artifact-storage';
import type { WorkerGitArchiver } from './worker-git-archiver';

/**
 * GitClient on Ferry's own upload-pack client: ref listing in-process (one small request), fetch + archive on the worker
 * thread, one bare mirror per GitRepository under `mirrorRoot` so fetches are incremental.
 */
export class MirrorGitClient implements GitClient {
  constructor(
    private readonly archiver: WorkerGitArchiver,
    private readonly mirrorRoot: string,
    private readonly limits: { maxFiles: number; maxBytes: number },
  ) {}

  async listRefs(remote: GitRemote, prefix: string | undefined): Promise<AdvertisedRef[]> {
    return (await listRemoteRefs(remote, prefix)).refs;
  }

  archive(request: ArchiveRequest): Promise<ArchiveResult> {
    return this.archiver.archive({
      remote: request.remote,
      mirrorDir: this.mirrorOf(request.object),
      fetchRef: request.fetchRef,
      commit: request.commit,
      shallow: request.shallow,
      ignore: request.ignore,
      ...(request.sparseCheckout ? { sparseCheckout: request.sparseCheckout } : {}),
      ...(request.recurseSubmodules ? { recurseSubmodules: true } : {}),
      ...(request.verify ? { verify: request.verify } : {}),
      includes: request.includes,
      outFile: request.outFile,
      limits: this.limits,
    });
  }

  forget(object: ObjectKey): void {
    rmSync(this.mirrorOf(object), { recursive: true, force: true });
  }

  /** Deletes the mirrors of objects not in `live` (`<ns>/<name>`). */
  retainOnly(live: ReadonlySet<string>): string[] {
    return removeOrphans(this.mirrorRoot, live, (entry) => (entry.endsWith('.git') ? entry.slice(0, -4) : undefined));
  }

  private mirrorOf(object: ObjectKey): string {
    return join(this.mirrorRoot, object.namespace, `${object.name}.git`);
  }
}
