import * as fs from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import * as tls from 'node:tls';
import { Reason } from '@ferry/contracts';
import type { ArchiveResult, GitAuth, GitProxy, GitRemote, IncludedFiles, VerifyRequest } from '../app/ports';
import { safeUrl, type AdvertisedRef } from '../domain/git-ref';
import { VerificationReason, commitSignature, tagSignature, type SignedPayload } from '../domain/signature';
import { parseGitmodules, submoduleUrl } from '../domain/submodules';
import { verifySignature } from './gpg-verifier';
import { SOURCE_IGNORE_FILE, sourceIgnoreMatcher, type SourceIgnoreFile } from '../domain/source-ignore';
import { ReconcileFailure } from '@ferry/contracts';
import { indexPack, packIndexFile } from './pack-indexer';
import { PackReader, parseTree, type GitObject } from './pack-reader';
import { SshError, SshGitSession, parseSshUrl } from './ssh-transport';
import { readTarGz, writeReproducibleTarGz, type TarEntry } from './tarball';
import { HttpStatusError, PackTooLargeError, RemoteError, discover, fetchPack, lsRefs, type GitHttpClient, type UploadPackRemote } from './upload-pack';

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
  /** `spec.sparseCheckout`: only these directories go into the artifact. */
  sparseCheckout?: string[];
  /** `spec.recurseSubmodules`: submodules are fetched (recursively) and their files included. */
  recurseSubmodules?: boolean;
  /** `spec.verify`: signatures to check with these armored public keys before the artifact is built. */
  verify?: VerifyRequest;
  includes: IncludedFiles[];
  /** Where to write the tar.gz. */
  outFile: string;
  limits: { maxFiles: number; maxBytes: number };
}

/**
 * A TCP tunnel to `target` through an HTTP proxy (CONNECT), for HTTPS remotes behind a proxy; the TLS session
 * to the remote runs inside it, so the proxy sees neither the request nor the credentials.
 */
function tunnel(proxy: GitProxy, target: URL, signal: AbortSignal): Promise<Socket> {
  const hostPort = `${target.hostname}:${target.port || '443'}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest(proxy.address, { method: 'CONNECT', path: hostPort, headers: { host: hostPort, ...proxyAuthorization(proxy) }, signal });
    request.on('connect', (response: IncomingMessage, socket: Socket) => {
      if (response.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new HttpStatusError(response.statusCode ?? 0, `from proxy ${safeUrl(proxy.address)}`));
    });
    request.on('error', reject);
    request.end();
  });
}

function proxyAuthorization(proxy: GitProxy): Record<string, string> {
  if (proxy.username === undefined && proxy.password === undefined) return {};
  return { 'proxy-authorization': `Basic ${Buffer.from(`${proxy.username ?? ''}:${proxy.password ?? ''}`).toString('base64')}` };
}

/** Sends one request to `target`, directly or through the proxy (forwarded for http://, tunnelled for https://). */
async function send(target: URL, options: RequestOptions, ca: string | undefined, proxy: GitProxy | undefined): Promise<ClientRequest> {
  const trust = ca && target.protocol === 'https:' ? { ca: [...tls.rootCertificates, ca] } : {};
  if (!proxy) return (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { ...options, ...trust });
  if (target.protocol === 'http:') {
    return httpRequest(proxy.address, { ...options, path: target.href, headers: { ...options.headers, host: target.host, ...proxyAuthorization(proxy) } });
  }
  const socket = await tunnel(proxy, target, options.signal as AbortSignal);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // SNI takes host names only; certificate checks use `host` either way.
  const secure = tls.connect({ socket, host, ...(isIP(host) ? {} : { servername: host }), ...trust });
  return httpsRequest(target, { ...options, ...trust, createConnection: () => secure });
}

/**
 * The smart-HTTP client on node:http(s): one abort signal bounds the whole operation (spec.timeout), every
 * response byte is counted, HTTPS trusts `ca` (the Secret's `ca.crt`) on top of the system roots, and
 * `proxy` (spec.proxySecretRef) carries every request when set.
 */
export function httpClient(signal: AbortSignal, counter: { bytes: number }, ca: string | undefined, proxy: GitProxy | undefined): GitHttpClient {
  return {
    async request({ url, method, headers, body }) {
      const request = await send(new URL(url), { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, signal }, ca, proxy);
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        request.on('response', resolve);
        request.on('error', reject);
        request.end(body);
      });
      async function* iterate(): AsyncIterableIterator<Uint8Array> {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          counter.bytes += chunk.length;
          yield chunk;
        }
      }
      return { statusCode: response.statusCode ?? 0, statusMessage: response.statusMessage ?? '', body: iterate() };
    },
  };
}

/** How a remote is reached: the smart-HTTP client, the URL to give it, headers, and clean-up. */
interface Transport {
  http: GitHttpClient;
  url: string;
  headers: Record<string, string>;
  ssh: boolean;
  close(): void;
}

function transportFor(remote: GitRemote, signal: AbortSignal, counter: { bytes: number }): Transport {
  if (!remote.url.startsWith('ssh://')) {
    return { http: httpClient(signal, counter, remote.auth.caFile, remote.proxy), url: remote.url, headers: authHeaders(remote.auth), ssh: false, close: () => undefined };
  }
  const { identity, knownHosts, passphrase } = remote.auth;
  if (!identity || !knownHosts) {
    throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `ssh:// URL '${safeUrl(remote.url)}' needs a secretRef with 'identity' and 'known_hosts'`, false);
  }
  const target = parseSshUrl(remote.url);
  const session = new SshGitSession(target, { identity, knownHosts, ...(passphrase ? { passphrase } : {}) }, signal, counter);
  // The upload-pack client speaks smart HTTP: this placeholder URL is routed to the SSH session by its client.
  return { http: session.http(), url: `http://ssh.invalid${target.path}`, headers: {}, ssh: true, close: () => session.close() };
}

// Protocol v2 is asked for everywhere: in a header over HTTP, in the environment over SSH.
function uploadPackRemote(transport: Transport): UploadPackRemote {
  return { http: transport.http, url: transport.url, headers: transport.headers, protocolV2: true, advertisesFirst: transport.ssh };
}

function authHeaders(auth: GitAuth): Record<string, string> {
  if (auth.bearerToken) return { Authorization: `Bearer ${auth.bearerToken}` };
  if (auth.username !== undefined || auth.password !== undefined) {
    return { Authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

/** Turns what the git client or the network threw into a ReconcileFailure with Flux's reason. */
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
  if (status === 407) {
    return new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to ${action} '${url}': proxy authentication required (HTTP 407)`);
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
 * Lists the remote's refs under `prefix` (one ls-refs request over HTTP; over SSH the session's opening
 * advertisement, then ls-refs in v2): the cheap check that tells whether anything changed. Annotated tags are
 * peeled to their commit.
 */
export async function listRemoteRefs(remote: GitRemote, prefix: string | undefined): Promise<{ refs: AdvertisedRef[]; bytesReceived: number }> {
  const counter = { bytes: 0 };
  let transport: Transport | undefined;
  try {
    transport = transportFor(remote, AbortSignal.timeout(remote.timeoutMs), counter);
    const refs = await lsRefs(uploadPackRemote(transport), prefix);
    return { refs, bytesReceived: counter.bytes };
  } catch (error) {
    throw gitFailure(error, remote, 'list references of');
  } finally {
    transport?.close();
  }
}

/** Packs a mirror may gather from incremental fetches before it starts over (see openCommit). */
export const MAX_MIRROR_PACKS = 32;

/** Opens (or creates) the bare mirror of a remote; a mirror of another URL is discarded. */
function openMirror(mirrorDir: string, url: string): void {
  const marker = join(mirrorDir, 'ferry-remote-url');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') !== url) fs.rmSync(mirrorDir, { recursive: true, force: true });
  if (!fs.existsSync(join(mirrorDir, 'HEAD'))) {
    // A bare repository as `git init --bare` lays it out, so the real git can inspect a mirror.
    for (const dir of ['objects/pack', 'objects/info', 'refs/heads', 'refs/tags']) fs.mkdirSync(join(mirrorDir, dir), { recursive: true });
    fs.writeFileSync(join(mirrorDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
    fs.writeFileSync(join(mirrorDir, 'HEAD'), 'ref: refs/heads/master\n');
    fs.writeFileSync(marker, url);
  }
}

/** Every commit a ref of the mirror points at (loose refs only: the mirror writes no packed-refs). */
function mirrorTips(mirrorDir: string): string[] {
  const tips = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) tips.add(fs.readFileSync(path, 'latin1').trim());
    }
  };
  walk(join(mirrorDir, 'refs'));
  tips.add(fs.readFileSync(join(mirrorDir, 'HEAD'), 'latin1').trim());
  return [...tips].filter((oid) => /^[0-9a-f]{40}$/.test(oid));
}

function readShallow(mirrorDir: string): string[] {
  const file = join(mirrorDir, 'shallow');
  return fs.existsSync(file) ? fs.readFileSync(file, 'latin1').split('\n').filter((line) => /^[0-9a-f]{40}$/.test(line)) : [];
}

/** One commit of one repository to bring into a mirror: the top-level job, or a submodule of it. */
interface Checkout {
  remote: GitRemote;
  mirrorDir: string;
  fetchRef: string | undefined;
  commit: string;
  /** Other objects the mirror must have (the tag object to verify). */
  alsoWant?: string[];
  shallow: boolean;
  /** Largest pack accepted from the server (the artifact's byte limit: a larger pack means a larger repository). */
  maxPackBytes: number;
}

/**
 * Fetches what the mirror lacks of `checkout.commit` with the upload-pack client (depth 1 for a shallow
 * checkout, the mirror's tips as haves, so a later fetch is only the difference), stores the pack with an
 * index of its own making and records the shallow boundary. Returns the objects the pack held, inflated.
 */
async function fetchInto(checkout: Checkout, transport: Transport): Promise<Map<string, GitObject>> {
  const { mirrorDir } = checkout;
  const remote = uploadPackRemote(transport);
  const offer = await discover(remote);
  const shallow = readShallow(mirrorDir);
  const packDir = join(mirrorDir, 'objects', 'pack');
  const received = join(packDir, `tmp-${process.pid}-${Date.now()}.pack`);
  try {
    const haves = mirrorTips(mirrorDir);
    const response = await fetchPack(remote, offer, {
      commit: checkout.commit,
      ...(checkout.alsoWant ? { alsoWant: checkout.alsoWant } : {}),
      fetchRef: checkout.fetchRef,
      haves,
      shallow,
      // Depth 1 only for the first fetch: with haves and no deepen the server sends the commits since them and
      // only the objects they lack (a deepen would send the whole tree again). A checkout that needs history
      // unshallows a mirror an earlier shallow one left (git's --unshallow depth).
      depth: checkout.shallow ? (haves.length === 0 ? 1 : undefined) : shallow.length > 0 ? 0x7fffffff : undefined,
      packFile: received,
      maxPackBytes: checkout.maxPackBytes,
    });
    let objects = new Map<string, GitObject>();
    if (response.packBytes > 0) {
      const indexed = indexPack(fs.readFileSync(received));
      objects = indexed.objects;
      if (indexed.entries.length > 0) {
        fs.writeFileSync(join(packDir, `pack-${indexed.checksum}.idx`), packIndexFile(indexed));
        fs.renameSync(received, join(packDir, `pack-${indexed.checksum}.pack`));
      }
    }
    const boundary = new Set([...shallow, ...response.shallow]);
    for (const oid of response.unshallow) boundary.delete(oid);
    if (boundary.size > 0) fs.writeFileSync(join(mirrorDir, 'shallow'), [...boundary].map((oid) => `${oid}\n`).join(''));
    else fs.rmSync(join(mirrorDir, 'shallow'), { force: true });
    return objects;
  } finally {
    fs.rmSync(received, { force: true });
  }
}

function commitNotFound(checkout: Checkout): ReconcileFailure {
  return new ReconcileFailure(
    Reason.GitOperationFailed,
    'fetch',
    `failed to checkout and determine revision: commit '${checkout.commit}' not found in '${safeUrl(checkout.remote.url)}'${checkout.fetchRef ? ` on ${checkout.fetchRef}` : ''}`,
  );
}

/** Points the mirror's ref at the commit: the next fetch offers it as a "have". */
function writeMirrorRef(mirrorDir: string, ref: string | undefined, commit: string): void {
  const file = join(mirrorDir, ref && ref.startsWith('refs/') ? ref : 'refs/ferry/HEAD');
  fs.mkdirSync(dirname(file), { recursive: true });
  fs.writeFileSync(file, `${commit}\n`);
}

/** A regular file of a checked-out tree, read on demand; or a submodule's commit (a gitlink). */
interface TreeFile {
  path: string;
  executable: boolean;
  read: () => Buffer;
}

/** Every regular file (and gitlink) of a tree, recursively. Symlinks are skipped. */
function listTree(read: (oid: string) => Buffer, treeOid: string, prefix = ''): Array<{ path: string; mode: string; oid: string }> {
  const files: Array<{ path: string; mode: string; oid: string }> = [];
  for (const entry of parseTree(read(treeOid))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.mode === '40000') files.push(...listTree(read, entry.oid, path));
    else if (entry.mode === '100644' || entry.mode === '100755' || entry.mode === '160000') files.push({ path, mode: entry.mode, oid: entry.oid });
  }
  return files;
}

/** Brings `checkout.commit` into its mirror (nothing when it is already there) and returns a reader of its objects. */
async function openCommit(checkout: Checkout, counter: { bytes: number }): Promise<(oid: string) => Buffer> {
  const { remote, mirrorDir } = checkout;
  openMirror(mirrorDir, remote.url);
  let packs = new PackReader(mirrorDir);
  const wanted = [checkout.commit, ...(checkout.alsoWant ?? [])];
  if (!wanted.every((oid) => packs.has(oid))) {
    if (packs.packCount >= MAX_MIRROR_PACKS) {
      // Every incremental fetch adds a pack and none is ever dropped: past the limit the mirror starts over
      // with a fresh depth-1 fetch, which bounds its size on disk and the indexes each reconcile reads.
      for (const entry of ['objects', 'refs', 'shallow', 'HEAD']) fs.rmSync(join(mirrorDir, entry), { recursive: true, force: true });
      openMirror(mirrorDir, remote.url);
    }
    let transport: Transport | undefined;
    let fetched: Map<string, GitObject>;
    try {
      transport = transportFor(remote, AbortSignal.timeout(remote.timeoutMs), counter);
      fetched = await fetchInto(checkout, transport);
    } catch (error) {
      if (error instanceof PackTooLargeError) throw new ReconcileFailure(Reason.StorageOperationFailed, 'fetch', `failed to fetch '${safeUrl(remote.url)}': ${error.message}`, false);
      throw error instanceof RemoteError && error.message.includes('not our ref') ? commitNotFound(checkout) : gitFailure(error, remote, 'fetch');
    } finally {
      transport?.close();
    }
    packs = new PackReader(mirrorDir, fetched);
    if (!packs.has(checkout.commit)) throw commitNotFound(checkout);
    writeMirrorRef(mirrorDir, checkout.fetchRef, checkout.commit);
  }
  const reader = packs;
  return (oid) => {
    const object = reader.read(oid);
    if (!object) throw new ReconcileFailure(Reason.GitOperationFailed, 'build', `object ${oid} of commit ${checkout.commit} is missing from the mirror of '${safeUrl(remote.url)}'`);
    return object.data;
  };
}

/**
 * The files of a commit; with `recurse`, each submodule's commit is fetched into its own mirror under the
 * parent's (`modules/<name>.git`) and its files are listed under the submodule's path, recursively.
 */
async function checkoutFiles(checkout: Checkout, read: (oid: string) => Buffer, recurse: boolean, counter: { bytes: number }): Promise<TreeFile[]> {
  const commit = read(checkout.commit).toString('latin1');
  const entries = listTree(read, commit.slice('tree '.length, 'tree '.length + 40));
  const files: TreeFile[] = [];
  const links = entries.filter((entry) => entry.mode === '160000');
  for (const entry of entries) if (entry.mode !== '160000') files.push({ path: entry.path, executable: entry.mode === '100755', read: () => read(entry.oid) });
  if (!recurse || links.length === 0) return files;
  const gitmodules = entries.find((entry) => entry.path === '.gitmodules');
  const modules = parseGitmodules(gitmodules ? read(gitmodules.oid).toString('utf8') : '');
  for (const link of links) {
    const module = modules.find((candidate) => candidate.path === link.path);
    if (!module) throw new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `submodule '${link.path}' has no url in .gitmodules of '${safeUrl(checkout.remote.url)}'`);
    const url = submoduleUrl(checkout.remote.url, module.url);
    const sub: Checkout = {
      remote: { ...checkout.remote, url, auth: sameOrigin(url, checkout.remote.url) ? checkout.remote.auth : {} },
      mirrorDir: join(checkout.mirrorDir, 'modules', `${module.name.replace(/[^A-Za-z0-9._-]/g, '_')}.git`),
      fetchRef: undefined,
      commit: link.oid,
      shallow: true,
      maxPackBytes: checkout.maxPackBytes,
    };
    for (const file of await checkoutFiles(sub, await openCommit(sub, counter), true, counter)) files.push({ ...file, path: `${link.path}/${file.path}` });
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
  const top: Checkout = {
    remote: job.remote,
    mirrorDir: job.mirrorDir,
    fetchRef: job.fetchRef,
    commit: job.commit,
    shallow: job.shallow,
    maxPackBytes: job.limits.maxBytes,
    ...(job.verify?.tag && job.verify.tag.oid !== job.commit ? { alsoWant: [job.verify.tag.oid] } : {}),
  };
  const read = await openCommit(top, counter);
  const verified = job.verify ? await verifySource(job.verify, job.commit, read) : undefined;
  const all = await checkoutFiles(top, read, job.recurseSubmodules ?? false, counter);
  const files = job.sparseCheckout?.length ? sparse(all, job.sparseCheckout) : all;
  const ignoreFiles: SourceIgnoreFile[] = [];
  for (const file of files) {
    if (file.path === SOURCE_IGNORE_FILE || file.path.endsWith(`/${SOURCE_IGNORE_FILE}`)) {
      ignoreFiles.push({ dir: file.path.slice(0, -SOURCE_IGNORE_FILE.length).replace(/\/$/, ''), content: file.read().toString('utf8') });
    }
  }
  const ignored = sourceIgnoreMatcher(ignoreFiles, job.ignore);
  const kept = files.filter((file) => !ignored(file.path));
  const entries = new Map<string, TarEntry>();
  for (const file of kept) {
    if (entries.size >= job.limits.maxFiles) break;
    entries.set(file.path, { path: file.path, data: file.read(), executable: file.executable });
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
  const { digest, size } = await writeReproducibleTarGz([...entries.values()], job.outFile);
  return { digest, size, files: entries.size, bytesReceived: counter.bytes, ...(verified ? { verified } : {}) };
}

/**
 * Checks the signatures `spec.verify` asks for, as source-controller does, and returns its SourceVerified
 * message. Failures carry Flux's reasons; a Tag mode without a tag reference is terminal.
 */
async function verifySource(request: VerifyRequest, commit: string, read: (oid: string) => Buffer): Promise<string> {
  const verified: string[] = [];
  const check = async (signed: SignedPayload, reason: string, what: string): Promise<string> =>
    verifySignature(request.keyRings, signed).catch((error: Error) => {
      throw new ReconcileFailure(reason, 'verify', `signature verification of ${what} failed: ${error.message}`);
    });
  if (request.mode !== 'HEAD') {
    const tag = request.tag;
    if (!tag) {
      throw new ReconcileFailure(VerificationReason.InvalidVerificationMode, 'verify', "cannot verify tag object's signature if a tag reference is not specified", false);
    }
    const name = `${tag.name}@${tag.oid}`;
    const signed = tagSignature(read(tag.oid));
    if (!signed) throw new ReconcileFailure(VerificationReason.InvalidGitObject, 'verify', `cannot verify signature of tag '${name}' since it is not signed`);
    verified.push(`tag '${name}' with key '${await check(signed, VerificationReason.InvalidTagSignature, `tag '${name}'`)}'`);
  }
  if (request.mode !== 'Tag') {
    const signed = commitSignature(read(commit));
    if (!signed) throw new ReconcileFailure(VerificationReason.InvalidCommitSignature, 'verify', `signature verification of commit '${commit}' failed: the commit is not signed`);
    verified.push(`commit '${commit}' with key '${await check(signed, VerificationReason.InvalidCommitSignature, `commit '${commit}'`)}'`);
  }
  return `verified signature of\n\t- ${verified.join('\n\t- ')}`;
}

/** Only the files below the sparse checkout directories; a directory the commit does not have is an error. */
function sparse(files: TreeFile[], directories: string[]): TreeFile[] {
  const dirs = directories.map((dir) => dir.replace(/^\.?\/+|\/+$/g, ''));
  const within = (path: string, dir: string) => dir === '' || path.startsWith(`${dir}/`);
  for (const dir of dirs) {
    if (!files.some((file) => within(file.path, dir))) {
      throw new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `sparse checkout dir '${dir}' does not exist in repository`);
    }
  }
  return files.filter((file) => dirs.some((dir) => within(file.path, dir)));
}

// Credentials go to the superproject's own server only, never to another host a .gitmodules names.
function sameOrigin(a: string, b: string): boolean {
  const x = new URL(a);
  const y = new URL(b);
  return x.protocol === y.protocol && x.host === y.host;
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
