import type { Kustomization } from '@ferry/contracts';
import { KustomizeError } from '../errors';
import type { FileSystem } from '../file-system.port';
import { buildResources } from '../build/kust-target';
import { substitute } from '../substitute/substitute';
import { emitYaml, type JsonObject } from '../yaml/emit';
import { parseYamlStream } from '../yaml/parse';
import { generatedKustomization, KUSTOMIZATION_FILE_NAMES, overlaySpec, type KustomizationFile } from './flux-kustomization-file';
import { OverlayFileSystem } from './overlay-file-system';

/** Flux's owner labels, set on every object a Kustomization applies. */
export const OWNER_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
/** Flux's owner labels, set on every object a Kustomization applies. */
export const OWNER_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';

/** What building one Flux Kustomization needs besides its spec. */
export interface FluxBuildOptions {
  /** The artifact's root (real path); nothing outside it is read. */
  root: string;
  fs: FileSystem;
  /** The Kustomization's name and namespace, for the owner labels. */
  owner: { name: string; namespace: string };
  /** postBuild variables from substituteFrom, already read; `spec.postBuild.substitute` wins over them. */
  variables?: Record<string, string>;
}

const posix = {
  join: (...parts: string[]) => parts.join('/').replace(/\/+/g, '/'),
  normalize(path: string): string {
    const out: string[] = [];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return `/${out.join('/')}`;
  },
};

/**
 * Builds a Kustomization as kustomize-controller does: `spec.path` inside the artifact, a kustomization.yaml
 * generated when the path has none (every manifest, every sub-directory with its own), the spec overlaid
 * (targetNamespace, namePrefix/nameSuffix, patches, images, components, commonMetadata) in memory, kustomize
 * build in input order, postBuild substitution, and Flux's owner labels. Errors are KustomizeErrors naming
 * the file and field, with paths relative to the artifact.
 */
export function buildFluxKustomization(spec: Kustomization['spec'], options: FluxBuildOptions): JsonObject[] {
  const { fs, root } = options;
  const path = spec.path ?? './';
  const dir = posix.normalize(posix.join(root, path));
  if (dir !== root && !dir.startsWith(`${root}/`)) throw new KustomizeError(`spec.path "${path}" points outside the artifact`);
  if (fs.stat(dir) !== 'dir') throw new KustomizeError(`kustomization path not found: ${path} does not exist in the artifact`);
  let overlay: [string, string] | undefined;
  try {
    overlay = kustomizationFile(fs, dir, spec);
  } catch (error) {
    // Only YAML parse errors come from here: they name the file and the line.
    throw error instanceof KustomizeError ? error : new KustomizeError(error instanceof Error ? error.message : String(error));
  }
  let objects: JsonObject[];
  try {
    objects = buildResources(dir, { fs: overlay ? new OverlayFileSystem(fs, new Map([overlay])) : fs, reorder: 'none' });
  } catch (error) {
    if (error instanceof KustomizeError) throw new KustomizeError(relativeTo(root, error.message));
    throw error;
  }
  if (spec.postBuild) {
    try {
      objects = substitute(objects, { ...(options.variables ?? {}), ...(spec.postBuild.substitute ?? {}) });
    } catch (error) {
      throw new KustomizeError(`post-build substitution failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const object of objects) {
    const metadata = (object['metadata'] ??= {}) as JsonObject;
    metadata['labels'] = { ...((metadata['labels'] as JsonObject | undefined) ?? {}), [OWNER_NAME_LABEL]: options.owner.name, [OWNER_NAMESPACE_LABEL]: options.owner.namespace };
  }
  return objects;
}

/** The kustomization file to build with, as [path, content], when it differs from the artifact's. */
function kustomizationFile(fs: FileSystem, dir: string, spec: Kustomization['spec']): [string, string] | undefined {
  const existing = KUSTOMIZATION_FILE_NAMES.find((name) => fs.stat(posix.join(dir, name)) === 'file');
  let file: KustomizationFile;
  if (existing) {
    file = (parseYamlStream(text(fs, posix.join(dir, existing)), existing)[0] ?? {}) as KustomizationFile;
  } else {
    const { manifests, kustomizationDirs } = scanManifests(fs, dir, '');
    file = generatedKustomization(manifests, kustomizationDirs);
  }
  const overlaid = overlaySpec(file, spec);
  if (existing && JSON.stringify(overlaid) === JSON.stringify(file)) return undefined;
  return [posix.join(dir, existing ?? 'kustomization.yaml'), emitYaml(overlaid as JsonObject)];
}

/** What a generated kustomization lists: Kubernetes manifests, and sub-directories with their own kustomization. */
function scanManifests(fs: FileSystem, dir: string, prefix: string): { manifests: string[]; kustomizationDirs: string[] } {
  const manifests: string[] = [];
  const kustomizationDirs: string[] = [];
  for (const name of fs.readDir(dir)) {
    const full = posix.join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    const kind = fs.stat(full);
    if (kind === 'dir') {
      if (KUSTOMIZATION_FILE_NAMES.some((file) => fs.stat(posix.join(full, file)) === 'file')) {
        kustomizationDirs.push(relative);
      } else {
        const nested = scanManifests(fs, full, relative);
        manifests.push(...nested.manifests);
        kustomizationDirs.push(...nested.kustomizationDirs);
      }
    } else if (kind === 'file' && /\.ya?ml$/.test(name) && isKubernetesManifest(fs, full, relative)) {
      manifests.push(relative);
    }
  }
  return { manifests, kustomizationDirs };
}

// A broken manifest is an error to report (parseYamlStream names the file and line), not a file to skip.
function isKubernetesManifest(fs: FileSystem, file: string, name: string): boolean {
  const objects = parseYamlStream(text(fs, file), name).filter((doc) => doc !== null);
  return objects.length > 0 && objects.every((doc) => typeof doc === 'object' && !!(doc as Record<string, unknown>)['apiVersion'] && !!(doc as Record<string, unknown>)['kind']);
}

function text(fs: FileSystem, path: string): string {
  return Buffer.from(fs.readFile(path)).toString('utf8');
}

function relativeTo(root: string, message: string): string {
  return message.split(`${root}/`).join('').split(root).join('.');
}
