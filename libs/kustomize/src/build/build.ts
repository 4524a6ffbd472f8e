import { emitYamlStream } from '../yaml/emit';
import { buildResources, type BuildOptions } from './kust-target';

/** Builds the kustomization in `dir` and renders it exactly as `kustomize build` prints it. */
export function buildKustomization(dir: string, opts: BuildOptions): string {
  return emitYamlStream(buildResources(dir, opts));
}
