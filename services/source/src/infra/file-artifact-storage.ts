import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Artifact } from '@ferry/contracts';
import type { ArtifactKind, ArtifactStorage, ObjectKey } from '../app/ports';

/** The path of an object's artifacts below the storage root, as source-controller lays them out (`<kind>/<ns>/<name>`). */
export function artifactDir(object: ObjectKey, kind: ArtifactKind = 'gitrepository'): string {
  return `${kind}/${object.namespace}/${object.name}`;
}

// Kubernetes names (so never `.` or `..`) and a file name of the kind's shape: nothing else can be served.
const NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
const ARTIFACT_PATH = new RegExp(
  `^(gitrepository/${NAME}/${NAME}/[0-9a-f]{64}\\.tar\\.gz|helmrepository/${NAME}/${NAME}/index-[0-9a-f]{64}\\.yaml|helmchart/${NAME}/${NAME}/[A-Za-z0-9][-A-Za-z0-9_.]*-[0-9A-Za-z][-+0-9A-Za-z.]*\\.tgz)$`,
);

/**
 * Artifacts on the local filesystem under `root`: `gitrepository/<ns>/<name>/<digest-hex>.tar.gz`, content
 * addressed, so a rebuild of the same tree is the same file; Helm artifacts under `helmrepository/` and
 * `helmchart/` with the file name the caller gives. Keeps the newest `keep` per object.
 */
export class FileArtifactStorage implements ArtifactStorage {
  constructor(
    private readonly root: string,
    private readonly baseUrl: () => Promise<string>,
    private readonly keep: number,
  ) {
    mkdirSync(join(root, 'tmp'), { recursive: true });
  }

  tempFile(): string {
    return join(this.root, 'tmp', `${randomBytes(8).toString('hex')}.tar.gz`);
  }

  async store(
    object: ObjectKey,
    file: string,
    meta: { revision: string; digest: string; size: number },
    now: Date,
    layout?: { kind: ArtifactKind; fileName: string },
  ): Promise<Artifact> {
    const dir = artifactDir(object, layout?.kind);
    mkdirSync(join(this.root, dir), { recursive: true });
    const path = `${dir}/${layout?.fileName ?? `${meta.digest.replace(/^sha256:/, '')}.tar.gz`}`;
    const target = join(this.root, path);
    // A content-addressed file that exists is this content already; a named one (a chart version) is replaced.
    if (!layout && existsSync(target)) rmSync(file, { force: true });
    else renameSync(file, target);
    // The mtime orders artifacts for garbage collection: the one just stored is the newest.
    utimesSync(target, now, now);
    this.collectGarbage(join(this.root, dir), target);
    return {
      path,
      url: `${(await this.baseUrl()).replace(/\/$/, '')}/${path}`,
      revision: meta.revision,
      digest: meta.digest,
      lastUpdateTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      size: meta.size,
    };
  }

  has(artifact: Artifact): boolean {
    return this.fileOf(artifact) !== undefined;
  }

  fileOf(artifact: Artifact): string | undefined {
    const file = this.resolve(artifact.path);
    return file !== undefined && existsSync(file) ? file : undefined;
  }

  removeAll(object: ObjectKey, kind?: ArtifactKind): void {
    rmSync(join(this.root, artifactDir(object, kind)), { recursive: true, force: true });
  }

  /** Deletes the artifacts of every object not in `live` (`<ns>/<name>`): objects deleted while the service was down. */
  retainOnly(live: ReadonlySet<string>, kind: ArtifactKind = 'gitrepository'): string[] {
    return removeOrphans(join(this.root, kind), live, (name) => name);
  }

  /** The file of a storage path, or undefined when the path escapes the root or is not an artifact. */
  resolve(path: string): string | undefined {
    if (!ARTIFACT_PATH.test(path)) return undefined;
    const file = resolve(this.root, path);
    return file.startsWith(resolve(this.root) + sep) ? file : undefined;
  }

  /** Whether a resolved artifact file exists. */
  exists(file: string): boolean {
    return existsSync(file);
  }

  private collectGarbage(dir: string, current: string): void {
    const files = readdirSync(dir)
      .filter((name) => /\.(tar\.gz|tgz|yaml)$/.test(name))
      .map((name) => ({ file: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
      .filter((entry) => entry.file !== current)
      .sort((a, b) => b.mtime - a.mtime);
    for (const stale of files.slice(Math.max(0, this.keep - 1))) rmSync(stale.file, { force: true });
  }
}

/** Removes `<root>/<ns>/<entry>` directories whose `<ns>/<nameOf(entry)>` is not live; returns what went. */
export function removeOrphans(root: string, live: ReadonlySet<string>, nameOf: (entry: string) => string | undefined): string[] {
  const removed: string[] = [];
  if (!existsSync(root)) return removed;
  for (const namespace of readdirSync(root)) {
    for (const entry of readdirSync(join(root, namespace))) {
      const name = nameOf(entry);
      if (name === undefined || live.has(`${namespace}/${name}`)) continue;
      rmSync(join(root, namespace, entry), { recursive: true, force: true });
      removed.push(`${namespace}/${name}`);
    }
  }
  return removed;
}
