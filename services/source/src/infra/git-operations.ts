import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import * as tls from 'node:tls';
import git, { type HttpClient, type PromiseFsClient } from 'isomorphic-git';
import { Reason } from '@ferry/contracts';
import type { ArchiveResult, GitAuth, GitRemote, IncludedFiles } from '../app/ports';
import { safeUrl, type AdvertisedRef } from '../domain/git-ref';
import { SOURCE_IGNORE_FILE, sourceIgnoreMatcher, type SourceIgnoreFile } from '../domain/source-ignore';
import { ReconcileFailure } from '@ferry/contracts';
import { PackReader, parseTree } from './pack-reader';
import { SshError, SshGitSession, parseSshUrl } from './ssh-transport';
import { readTarGz, reproducibleTarGz, type TarEntry } from './tarball';

/** What to fetch into the mirror and turn into an artifact. */
export interface ArchiveJob {
  remote: GitRemote;
  /** Bare mirror directory kept between reconciles, so fetches are incremental. */
  mirrorDir: string;
  /** Ref to fetch (`refs/heads/main`); undefined fetches the remote's HEAD (commit refs without a branch). */
  fetchRef: string | undefined;
  commit: string;
  /** Shallow (depth 1) unless a commit must be found in history. */
  shallow: boolean;
  ignore: string | undefined;
  includes: IncludedFiles[];
  /** Where to write the tar.gz. */
  outFile: string;
  limits: { maxFiles: number; maxBytes: number };
}

/**
 * isomorphic-git's HTTP client on node:http(s): one abort signal bounds the whole operation (spec.timeout),
 * every response byte is counted, and HTTPS trusts `ca` (the Secret's `ca.crt`) on top of the system roots.
 */
function httpClient(signal: AbortSignal, counter: { bytes: number }, ca: string | undefined): HttpClient {
  return {
    async request({ url, method = 'GET', headers = {}, body }) {
      let payload: Buffer | undefined;
      if (body) {
        const chunks: Buffer[] = [];
        for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
        payload = Buffer.concat(chunks);
      }
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const request = send(
          target,
          {
            method,
            headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
            signal,
            ...(ca && target.protocol === 'https:' ? { ca: [...tls.rootCertificates, ca] } : {}),
          },
          resolve,
        );
        request.on('error', reject);
        request.end(payload);
      });
      async function* iterate(): AsyncIterableIterator<Uint8Array> {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          counter.bytes += chunk.length;
          yield chunk;
        }
      }
      return {
        url,
        method,
        statusCode: response.statusCode ?? 0,
        statusMessage: response.statusMessage ?? '',
        headers: Object.fromEntries(Object.entries(response.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')])),
        body: iterate(),
      };
    },
  };
}

/** How isomorphic-git reaches a remote: its HTTP client, the URL to give it, headers, and clean-up. */
interface Transport {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  ssh: boolean;
  close(): void;
}

function transportFor(remote: GitRemote, signal: AbortSignal, counter: { bytes: number }): Transport {
  if (!remote.url.startsWith('ssh://')) {
    return { http: httpClient(signal, counter, remote.auth.caFile), url: remote.url, headers: authHeaders(remote.auth), ssh: false, close: () => undefined };
  }
  const { identity, knownHosts, passphrase } = remote.auth;
  if (!identity || !knownHosts) {
    throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `ssh:// URL '${safeUrl(remote.url)}' needs a secretRef with 'identity' and 'known_hosts'`, false);
  }
  const target = parseSshUrl(remote.url);
  const session = new SshGitSession(target, { identity, knownHosts, ...(passphrase ? { passphrase } : {}) }, signal, counter);
  // isomorphic-git speaks HTTP only: this placeholder URL is routed to the SSH session by its client.
  return { http: session.http(), url: `http://ssh.invalid${target.path}`, headers: {}, ssh: true, close: () => session.close() };
}

function authHeaders(auth: GitAuth): Record<string, string> {
  if (auth.bearerToken) return { Authorization: `Bearer ${auth.bearerToken}` };
  if (auth.username !== undefined || auth.password !== undefined) {
    return { Authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

/** Turns what isomorphic-git or the network threw into a ReconcileFailure with Flux's reason. */
export function gitFailure(error: unknown, remote: GitRemote, action: string): ReconcileFailure {
  if (error instanceof ReconcileFailure) return error;
  const url = safeUrl(remote.url);
  const e = error as { name?: string; code?: string; message?: string; data?: { statusCode?: number }; cause?: { code?: string; message?: string } };
  const status = e?.data?.statusCode;
  if (error instanceof SshError) {
    return new ReconcileFailure(error.kind === 'auth' ? Reason.AuthenticationFailed : Reason.GitOperationFailed, 'fetch', `failed to ${action} '${url}': ${error.message}`);
  }
  if (status === 401 || status === 403) {
    return new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to ${action} '${url}': authentication required (HTTP ${status})`);
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `failed to ${action} '${url}': timeout after ${remote.timeoutMs}ms`);
  }
  const message = e?.cause?.message ?? e?.message ?? String(error);
  const code = e?.cause?.code ?? e?.code;
  const detail = code && !message.includes(code) ? `${message} (${code})` : message;
  const statusText = status ? `HTTP ${status}` : detail;
  return new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `failed to ${action} '${url}': ${safeUrl(statusText)}`);
}

/**
 * Lists the remote's refs with one ls-refs (protocol v2) request restricted to `prefix`: the cheap check
 * that tells whether anything changed. Annotated tags are peeled to their commit.
 */
export async function listRemoteRefs(remote: GitRemote, prefix: string | undefined): Promise<{ refs: AdvertisedRef[]; bytesReceived: number }> {
  const counter = { bytes: 0 };
  let transport: Transport | undefined;
  try {
    transport = transportFor(remote, AbortSignal.timeout(remote.timeoutMs), counter);
    const refs = await git.listServerRefs({
      http: transport.http,
      url: transport.url,
      headers: transport.headers,
      // Protocol v2 over SSH needs the server to accept GIT_PROTOCOL in the environment; v1 always works.
      protocolVersion: transport.ssh ? 1 : 2,
      peelTags: true,
      ...(prefix ? { prefix } : {}),
    });
    return { refs: refs.map((entry) => ({ ref: entry.ref, oid: entry.peeled ?? entry.oid })), bytesReceived: counter.bytes };
  } catch (error) {
    throw gitFailure(error, remote, 'list references of');
  } finally {
    transport?.close();
  }
}

async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  return git.readCommit({ fs, gitdir, oid, cache }).then(
    () => true,
    () => false,
  );
}

/** Opens (or creates) the bare mirror of a remote; a mirror of another URL is discarded. True when new. */
async function openMirror(mirrorDir: string, url: string): Promise<boolean> {
  const marker = join(mirrorDir, 'ferry-remote-url');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') !== url) fs.rmSync(mirrorDir, { recursive: true, force: true });
  if (!fs.existsSync(join(mirrorDir, 'HEAD'))) {
    fs.mkdirSync(mirrorDir, { recursive: true });
    await git.init({ fs, gitdir: mirrorDir, bare: true });
    // Every ref lands under refs/remotes/origin/, whatever its namespace (heads, tags, pull …).
    await git.setConfig({ fs, gitdir: mirrorDir, path: 'remote.origin.url', value: url });
    await git.setConfig({ fs, gitdir: mirrorDir, path: 'remote.origin.fetch', value: '+refs/*:refs/remotes/origin/*' });
    fs.writeFileSync(marker, url);
    return true;
  }
  return false;
}

/**
 * The filesystem for reading a mirror: a fetch stores objects in packs, yet isomorphic-git probes for a loose
 * object file before every pack lookup. Probes into `objects/xx/` directories that do not exist fail at once
 * instead of costing a syscall and a fresh error each (most of the archive time on large trees otherwise).
 * Only for reading: nothing writes to the mirror meanwhile.
 */
function packReadFs(gitdir: string): PromiseFsClient {
  const objects = join(gitdir, 'objects');
  const looseDirs = new Set(fs.readdirSync(objects).filter((name) => /^[0-9a-f]{2}$/.test(name)));
  const missing = Object.assign(new Error('ENOENT: no loose object'), { code: 'ENOENT' });
  const prefix = `${objects}/`;
  const readFile = ((path: unknown, options?: unknown) => {
    if (typeof path === 'string' && path.length === prefix.length + 41 && path.startsWith(prefix) && !looseDirs.has(path.slice(prefix.length, prefix.length + 2))) {
      return Promise.reject(missing);
    }
    return fs.promises.readFile(path as string, options as undefined);
  }) as typeof fs.promises.readFile;
  // Every packed-object read lists objects/pack first; the list cannot change while reading.
  const packDir = join(objects, 'pack');
  const packs = fs.readdirSync(packDir);
  const readdir = ((path: unknown, options?: unknown) =>
    path === packDir ? Promise.resolve([...packs]) : fs.promises.readdir(path as string, options as undefined)) as typeof fs.promises.readdir;
  return { promises: { ...fs.promises, readFile, readdir } } as unknown as PromiseFsClient;
}

/** Reads objects from the mirror's packs natively, falling back to isomorphic-git for loose objects. */
function objectReader(gitdir: string, cache: object): (oid: string) => Promise<Buffer> {
  const packs = new PackReader(gitdir);
  const reader = packReadFs(gitdir);
  return async (oid) => {
    const packed = packs.read(oid);
    if (packed) return packed.data;
    const { object } = await git.readObject({ fs: reader, gitdir, oid, cache, format: 'content' });
    return Buffer.from(object as Uint8Array);
  };
}

/** Every regular file of a commit's tree, recursively: path, mode and blob id. Submodules and symlinks are skipped. */
async function listTree(read: (oid: string) => Promise<Buffer>, treeOid: string, prefix = ''): Promise<Array<{ path: string; mode: string; oid: string }>> {
  const files: Array<{ path: string; mode: string; oid: string }> = [];
  for (const entry of parseTree(await read(treeOid))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.mode === '40000') files.push(...(await listTree(read, entry.oid, path)));
    else if (entry.mode === '100644' || entry.mode === '100755') files.push({ path, mode: entry.mode, oid: entry.oid });
  }
  return files;
}

/**
 * Fetches `commit` into the mirror (nothing when it is already there; otherwise only what the mirror lacks),
 * then writes a reproducible tar.gz of its tree minus ignored files, straight from the object store: no work
 * tree is checked out.
 */
export async function fetchAndArchive(job: ArchiveJob): Promise<ArchiveResult> {
  const counter = { bytes: 0 };
  // isomorphic-git's pack cache: without it every object read re-loads and re-indexes the packfile.
  const cache = {};
  const { remote, mirrorDir } = job;
  const fresh = await openMirror(mirrorDir, remote.url);
  if (!(await hasCommit(mirrorDir, job.commit, cache))) {
    let transport: Transport | undefined;
    try {
      transport = transportFor(remote, AbortSignal.timeout(remote.timeoutMs), counter);
      await git.fetch({
        fs,
        http: transport.http,
        gitdir: mirrorDir,
        cache,
        remote: 'origin',
        url: transport.url,
        headers: transport.headers,
        singleBranch: true,
        tags: false,
        ...(job.fetchRef ? { ref: job.fetchRef, remoteRef: job.fetchRef } : {}),
        // Depth 1 only for the first fetch: later ones send what the mirror has as "have"s and get the
        // difference; a shallow re-fetch would download the whole tree again.
        ...(job.shallow && fresh ? { depth: 1 } : {}),
      });
    } catch (error) {
      throw gitFailure(error, remote, 'fetch');
    } finally {
      transport?.close();
    }
    // isomorphic-git offers the local ref of the same name as its "have" on the next fetch: keep it at the tip.
    if (await hasCommit(mirrorDir, job.commit, cache)) {
      await git.writeRef({ fs, gitdir: mirrorDir, ref: job.fetchRef ?? 'HEAD', value: job.commit, force: true });
    }
    if (!(await hasCommit(mirrorDir, job.commit, cache))) {
      throw new ReconcileFailure(
        Reason.GitOperationFailed,
        'fetch',
        `failed to checkout and determine revision: commit '${job.commit}' not found in '${safeUrl(remote.url)}'${job.fetchRef ? ` on ${job.fetchRef}` : ''}`,
      );
    }
  }
  const read = objectReader(mirrorDir, cache);
  const commit = (await read(job.commit)).toString('latin1');
  const files = await listTree(read, commit.slice('tree '.length, 'tree '.length + 40));
  const ignoreFiles: SourceIgnoreFile[] = [];
  for (const file of files) {
    if (file.path === SOURCE_IGNORE_FILE || file.path.endsWith(`/${SOURCE_IGNORE_FILE}`)) {
      ignoreFiles.push({ dir: file.path.slice(0, -SOURCE_IGNORE_FILE.length).replace(/\/$/, ''), content: (await read(file.oid)).toString('utf8') });
    }
  }
  const ignored = sourceIgnoreMatcher(ignoreFiles, job.ignore);
  const kept = files.filter((file) => !ignored(file.path));
  const entries = new Map<string, TarEntry>();
  for (const file of kept) {
    if (entries.size >= job.limits.maxFiles) break;
    entries.set(file.path, { path: file.path, data: await read(file.oid), executable: file.mode === '100755' });
  }
  for (const include of job.includes) {
    for (const entry of includedEntries(include)) entries.set(entry.path, entry);
  }
  if (kept.length > job.limits.maxFiles || entries.size > job.limits.maxFiles) {
    throw new ReconcileFailure(Reason.StorageOperationFailed, 'build', `artifact would hold more than the limit of ${job.limits.maxFiles} files`, false);
  }
  let total = 0;
  for (const entry of entries.values()) total += entry.data.length;
  if (total > job.limits.maxBytes) {
    throw new ReconcileFailure(Reason.StorageOperationFailed, 'build', `artifact content of ${total} bytes exceeds the limit of ${job.limits.maxBytes} bytes`, false);
  }
  const archive = reproducibleTarGz([...entries.values()]);
  fs.writeFileSync(job.outFile, archive);
  return { digest: `sha256:${createHash('sha256').update(archive).digest('hex')}`, size: archive.length, files: entries.size, bytesReceived: counter.bytes };
}

/** The files of an included artifact below `fromPath`, moved under `toPath`. */
function includedEntries(include: IncludedFiles): TarEntry[] {
  const from = include.fromPath.replace(/^\.?\/+|\/+$/g, '');
  const to = include.toPath.replace(/^\.?\/+|\/+$/g, '');
  const moved: TarEntry[] = [];
  for (const entry of readTarGz(fs.readFileSync(include.file))) {
    if (from && entry.path !== from && !entry.path.startsWith(`${from}/`)) continue;
    const rest = from ? entry.path.slice(from.length).replace(/^\//, '') : entry.path;
    const path = [to, rest].filter(Boolean).join('/');
    if (path.split('/').includes('..')) continue;
    moved.push({ ...entry, path });
  }
  return moved;
}
