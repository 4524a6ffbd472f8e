import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarGz, fetchArtifact, type ExtractLimits } from '@ferry/artifact';
import type { ArtifactWorkspace, UnpackedArtifact } from '../app/ports';
import type { SourceArtifact } from '../domain/kustomization.decider';

interface Unpacked {
  root: Promise<string>;
  users: number;
}

// Artifacts of the latest revisions stay unpacked: every Kustomization of a source shares one copy.
const KEEP_DIGESTS = 2;

/**
 * Fetches artifacts over HTTP, verifies their digest and unpacks them into a fresh temp dir (removed on
 * error). An artifact is unpacked once per digest and shared read-only by the reconciles that use it; the
 * least recently used digests beyond the latest few are removed once no reconcile holds them.
 */
export class HttpArtifactWorkspace implements ArtifactWorkspace {
  private readonly unpacked = new Map<string, Unpacked>();

  constructor(private readonly limits: ExtractLimits & { timeoutMs: number }) {}

  async unpack(artifact: SourceArtifact): Promise<UnpackedArtifact> {
    let entry = this.unpacked.get(artifact.digest);
    if (entry) this.unpacked.delete(artifact.digest);
    else entry = { root: this.download(artifact), users: 0 };
    this.unpacked.set(artifact.digest, entry);
    entry.users++;
    const held = entry;
    let root: string;
    try {
      root = await held.root;
    } catch (error) {
      held.users--;
      if (this.unpacked.get(artifact.digest) === held) this.unpacked.delete(artifact.digest);
      throw error;
    }
    this.evict();
    let disposed = false;
    return {
      root,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        held.users--;
        this.evict();
      },
    };
  }

  /** Removes every unpacked artifact (service shutdown). */
  clear(): void {
    for (const [digest, entry] of this.unpacked) {
      this.unpacked.delete(digest);
      void entry.root.then(remove, () => undefined);
    }
  }

  private async download(artifact: SourceArtifact): Promise<string> {
    const archive = await fetchArtifact(artifact.url, artifact.digest, { maxBytes: this.limits.maxBytes, timeoutMs: this.limits.timeoutMs });
    const root = mkdtempSync(join(tmpdir(), 'ferry-artifact-'));
    try {
      extractTarGz(archive, root, this.limits);
    } catch (error) {
      remove(root);
      throw error;
    }
    return root;
  }

  private evict(): void {
    let excess = this.unpacked.size - KEEP_DIGESTS;
    for (const [digest, entry] of this.unpacked) {
      if (excess <= 0) return;
      if (entry.users > 0) continue;
      this.unpacked.delete(digest);
      excess--;
      void entry.root.then(remove, () => undefined);
    }
  }
}

function remove(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
