import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Artifact } from '@ferry/contracts';
import type { ArtifactStorage, ObjectKey } from '../app/ports';

/** The path of a GitRepository's artifacts below the storage root, as source-controller lays them out. */
export function artifactDir(object: ObjectKey): string {
  return `gitrepository/${object.namespace}/${object.name}`;
}

// Kubernetes names (so never `.` or `..`) and a sha256 hex: nothing else can be served.
const ARTIFACT_PATH = /^gitrepository\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[0-9a-f]{64}\.tar\.gz$/;

/**
 * Artifacts on the local filesystem under `root`: `gitrepository/<ns>/<name>/<digest-hex>.tar.gz`, content
 * addressed, so a rebuild of the same tree is the same file. Keeps the newest `keep` per object.
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

  async store(object: ObjectKey, file: string, meta: { revision: string; digest: string; size: number }, now: Date): Promise<Artifact> {
    const dir = artifactDir(object);
    mkdirSync(join(this.root, dir), { recursive: true });
    const path = `${dir}/${meta.digest.replace(/^sha256:/, '')}.tar.gz`;
    const target = join(this.root, path);
    if (existsSync(target)) rmSync(file, { force: true });
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

  removeAll(object: ObjectKey): void {
    rmSync(join(this.root, artifactDir(object)), { recursive: true, force: true });
  }

  /** Deletes the artifacts of every object not in `live` (`<ns>/<name>`): objects deleted while the service was down. */
  retainOnly(live: ReadonlySet<string>): string[] {
    return removeOrphans(join(this.root, 'gitrepository'), live, (name) => name);
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
      .filter((name) => name.endsWith('.tar.gz'))
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
