import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Reason, type Kustomization } from '@ferry/contracts';
import type { KubeClient, KubeObject } from '@ferry/kube';
import {
  KustomizeError,
  NodeFileSystem,
  buildResources,
  emitYaml,
  parseYamlStream,
  substitute,
  type JsonObject,
} from '@ferry/kustomize';
import type { ManifestBuilder } from '../app/ports';
import { KUSTOMIZATION_FILE_NAMES, generatedKustomization, overlaySpec, type KustomizationFile } from '../domain/kustomization-file';
import { ReconcileFailure } from '@ferry/contracts';
import { OverlayFileSystem } from './overlay-file-system';

const buildFailure = (message: string, retryable = false) => new ReconcileFailure(Reason.BuildFailed, 'build', message, retryable);

/**
 * Builds a Kustomization's manifests from an unpacked artifact with Ferry's kustomize engine, as
 * kustomize-controller does: generate a kustomization.yaml when the path has none, overlay the spec,
 * build confined to the artifact, then run postBuild variable substitution.
 */
export class KustomizeManifestBuilder implements ManifestBuilder {
  constructor(private readonly client: KubeClient) {}

  async build(root: string, kustomization: Kustomization): Promise<KubeObject[]> {
    const realRoot = realpathSync(root);
    const path = kustomization.spec.path ?? './';
    const dir = resolve(realRoot, path);
    if (dir !== realRoot && !dir.startsWith(realRoot + sep)) throw buildFailure(`spec.path "${path}" points outside the artifact`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw buildFailure(`kustomization path not found: ${path} does not exist in the artifact`);
    }
    const overlay = this.kustomizationFile(dir, kustomization);
    const files = new NodeFileSystem(realRoot);
    let objects: JsonObject[];
    try {
      objects = buildResources(dir, { fs: overlay ? new OverlayFileSystem(files, new Map([overlay])) : files, reorder: 'none' });
    } catch (error) {
      if (error instanceof KustomizeError) throw buildFailure(stripRoot(error.message, realRoot));
      throw error;
    }
    const postBuild = kustomization.spec.postBuild;
    if (postBuild) {
      const vars = { ...(await this.variablesFrom(kustomization)), ...(postBuild.substitute ?? {}) };
      try {
        objects = substitute(objects, vars);
      } catch (error) {
        throw buildFailure(`post-build substitution failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return objects as unknown as KubeObject[];
  }

  /** The kustomization file to build with, as [path, content], when it differs from the artifact's. */
  private kustomizationFile(dir: string, kustomization: Kustomization): [string, string] | undefined {
    const existing = KUSTOMIZATION_FILE_NAMES.find((name) => existsSync(join(dir, name)));
    let file: KustomizationFile;
    if (existing) {
      try {
        file = (parseYamlStream(readFileSync(join(dir, existing), 'utf8'), existing)[0] ?? {}) as KustomizationFile;
      } catch (error) {
        throw buildFailure(`${existing}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else {
      const { manifests, kustomizationDirs } = scanManifests(dir, dir);
      file = generatedKustomization(manifests, kustomizationDirs);
    }
    const overlaid = overlaySpec(file, kustomization.spec);
    if (existing && JSON.stringify(overlaid) === JSON.stringify(file)) return undefined;
    return [join(dir, existing ?? 'kustomization.yaml'), emitYaml(overlaid as JsonObject)];
  }

  // Flux's postBuild.substituteFrom: ConfigMap data and Secret data (base64) as variables; later sources win.
  private async variablesFrom(kustomization: Kustomization): Promise<Record<string, string>> {
    const vars: Record<string, string> = {};
    const namespace = kustomization.metadata.namespace ?? 'default';
    for (const ref of kustomization.spec.postBuild?.substituteFrom ?? []) {
      const object = await this.client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: ref.kind, namespace, name: ref.name });
      if (!object) {
        if (ref.optional) continue;
        throw new ReconcileFailure(Reason.BuildFailed, 'build', `substitute from '${ref.kind}/${ref.name}' failed: ${ref.kind} '${namespace}/${ref.name}' not found`, true);
      }
      for (const [key, value] of Object.entries(object.data ?? {})) {
        vars[key] = ref.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
      }
    }
    return vars;
  }
}

/** Finds what a generated kustomization lists: Kubernetes manifests, and sub-directories with their own kustomization. */
function scanManifests(top: string, dir: string): { manifests: string[]; kustomizationDirs: string[] } {
  const manifests: string[] = [];
  const kustomizationDirs: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (KUSTOMIZATION_FILE_NAMES.some((name) => existsSync(join(full, name)))) {
        kustomizationDirs.push(relative(top, full));
      } else {
        const nested = scanManifests(top, full);
        manifests.push(...nested.manifests);
        kustomizationDirs.push(...nested.kustomizationDirs);
      }
    } else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && isKubernetesManifest(full, relative(top, full))) {
      manifests.push(relative(top, full));
    }
  }
  return { manifests, kustomizationDirs };
}

function isKubernetesManifest(file: string, name: string): boolean {
  let docs: unknown[];
  try {
    docs = parseYamlStream(readFileSync(file, 'utf8'), name);
  } catch (error) {
    // A broken manifest is an error to report, not a file to skip.
    throw buildFailure(error instanceof Error ? error.message : String(error));
  }
  const objects = docs.filter((doc) => doc !== null);
  return objects.length > 0 && objects.every((doc) => typeof doc === 'object' && !!(doc as Record<string, unknown>)['apiVersion'] && !!(doc as Record<string, unknown>)['kind']);
}

function stripRoot(message: string, root: string): string {
  return message.split(root + sep).join('').split(root).join('.');
}
