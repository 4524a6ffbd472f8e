import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarGz, fetchArtifact, type ExtractLimits } from '@ferry/artifact';
import type { ArtifactWorkspace, UnpackedArtifact } from '../app/ports';
import type { SourceArtifact } from '../domain/kustomization.decider';

/** Fetches artifacts over HTTP, verifies their digest and unpacks them into a fresh temp dir (removed on error). */
export class HttpArtifactWorkspace implements ArtifactWorkspace {
  constructor(private readonly limits: ExtractLimits & { timeoutMs: number }) {}

  async unpack(artifact: SourceArtifact): Promise<UnpackedArtifact> {
    const archive = await fetchArtifact(artifact.url, artifact.digest, { maxBytes: this.limits.maxBytes, timeoutMs: this.limits.timeoutMs });
    const root = mkdtempSync(join(tmpdir(), 'ferry-artifact-'));
    const dispose = () => rmSync(root, { recursive: true, force: true });
    try {
      extractTarGz(archive, root, this.limits);
    } catch (error) {
      dispose();
      throw error;
    }
    return { root, dispose };
  }
}
