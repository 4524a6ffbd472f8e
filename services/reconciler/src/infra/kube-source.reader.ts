import { ConditionType, findCondition, isConditionTrue, type Condition } from '@ferry/contracts';
import type { KubeClient } from '@ferry/kube';
import type { SourceReader } from '../app/ports';
import type { SourceState } from '../domain/kustomization.decider';

const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** Reads a source object's Ready condition and `status.artifact` from the API server. */
export class KubeSourceReader implements SourceReader {
  constructor(private readonly client: KubeClient) {}

  async read(ref: { kind: string; namespace: string; name: string }): Promise<SourceState> {
    const source = await this.client.get<{
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      status?: { conditions?: Condition[]; artifact?: { revision: string; digest?: string; url: string } };
    }>({ apiVersion: SOURCE_API_VERSION, ...ref });
    if (!source) return { found: false };
    const artifact = source.status?.artifact;
    return {
      found: true,
      ready: isConditionTrue(source.status?.conditions, ConditionType.Ready),
      artifact: artifact?.digest ? { revision: artifact.revision, digest: artifact.digest, url: artifact.url } : undefined,
      message: findCondition(source.status?.conditions, ConditionType.Ready)?.message ?? '',
    };
  }
}
