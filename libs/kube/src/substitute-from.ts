import type { KubeClient } from './kube-client';
import type { KubeObject } from './object-ref';

/** A `postBuild.substituteFrom` entry of a Flux Kustomization. */
export interface SubstituteReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional?: boolean;
}

/** A non-optional substituteFrom ConfigMap or Secret that does not exist; the message is kustomize-controller's. */
export class SubstituteSourceNotFoundError extends Error {
  override readonly name = 'SubstituteSourceNotFoundError';
}

/**
 * Reads the variables of Flux's `postBuild.substituteFrom` from the cluster: ConfigMap data and decoded Secret data,
 * later references overriding earlier ones; optional references that do not exist are skipped.
 */
export async function readSubstituteVariables(client: KubeClient, namespace: string, references: SubstituteReference[]): Promise<Record<string, string>> {
  const variables: Record<string, string> = {};
  for (const reference of references) {
    const object = await client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: reference.kind, namespace, name: reference.name });
    if (!object) {
      if (reference.optional) continue;
      throw new SubstituteSourceNotFoundError(`substitute from '${reference.kind}/${reference.name}' failed: ${reference.kind} '${namespace}/${reference.name}' not found`);
    }
    for (const [key, value] of Object.entries(object.data ?? {})) {
      variables[key] = reference.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
    }
  }
  return variables;
}
