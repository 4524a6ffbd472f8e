import { open } from 'node:fs/promises';
import type { AdvertisedRef } from '../domain/git-ref';

/** One smart-HTTP request: what the transports (node:http, the SSH session) are asked to carry. */
export interface GitHttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
}

/** The answer to a GitHttpRequest, its body streamed. */
export interface GitHttpResponse {
  statusCode: number;
  statusMessage: string;
  body: AsyncIterable<Uint8Array>;
}

/** Carries smart-HTTP requests to a remote (over HTTP(S), possibly through a proxy, or over an SSH session). */
export interface GitHttpClient {
  request(request: GitHttpRequest): Promise<GitHttpResponse>;
}

const FLUSH = '0000';
const DELIM = '0001';

/** One pkt-line with its payload (a `0000` flush or `0001` delimiter has none). */
export function pktLine(line: string): string {
  return `${(Buffer.byteLength(line) + 4).toString(16).padStart(4, '0')}${line}`;
}

type Packet = Buffer | 'flush' | 'delim';

/** Splits a byte stream into pkt-lines as they arrive. */
class PacketReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly source: AsyncIterator<Uint8Array>;

  constructor(body: AsyncIterable<Uint8Array>) {
    this.source = body[Symbol.asyncIterator]();
  }

  /** The next packet, or undefined at the end of the stream. */
  async next(): Promise<Packet | undefined> {
    while (this.buffered.length < 4) if (!(await this.fill())) return this.buffered.length === 0 ? undefined : this.truncated();
    const length = parseInt(this.buffered.toString('latin1', 0, 4), 16);
    if (Number.isNaN(length)) throw new Error(`invalid pkt-line length '${this.buffered.toString('latin1', 0, 4)}'`);
    if (length < 4) {
      this.buffered = this.buffered.subarray(4);
      return length === 1 ? 'delim' : 'flush';
    }
    while (this.buffered.length < length) if (!(await this.fill())) return this.truncated();
    const packet = this.buffered.subarray(4, length);
    this.buffered = this.buffered.subarray(length);
    return packet;
  }

  /** Stops reading: the stream underneath is released (an HTTP response destroyed) instead of left pending. */
  async cancel(): Promise<void> {
    await this.source.return?.();
  }

  private async fill(): Promise<boolean> {
    const { value, done } = await this.source.next();
    if (done) return false;
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    return true;
  }

  private truncated(): never {
    throw new Error('the server closed the connection in the middle of a pkt-line');
  }
}

/** What the server offers: protocol v2 with its `fetch` features, or v0 with its ref advertisement and capabilities. */
export type ServerOffer = { version: 2; fetchFeatures: Set<string> } | { version: 0; refs: Map<string, string>; capabilities: Set<string> };

/** An HTTP failure the caller maps to a Flux reason (401/403 are authentication failures). */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly data: { statusCode: number };
  constructor(statusCode: number, statusMessage: string) {
    super(`HTTP ${statusCode}${statusMessage ? ` ${statusMessage}` : ''}`);
    this.data = { statusCode };
  }
}

/** An error upload-pack reported (`ERR` line or side-band 3), e.g. `not our ref <oid>` for a commit it does not have. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(detail: string) {
    super(`remote error: ${detail}`);
  }
}

/** The server's pack grew past the limit (the repository is too large to fetch). */
export class PackTooLargeError extends Error {
  override readonly name = 'PackTooLargeError';
  constructor(readonly limit: number) {
    super(`the repository's pack exceeds the limit of ${limit} bytes`);
  }
}

/** A remote as the upload-pack client reaches it. */
export interface UploadPackRemote {
  http: GitHttpClient;
  url: string;
  headers: Record<string, string>;
  /** Whether to ask for protocol v2 (the server may still answer in v0). */
  protocolV2: boolean;
  /** The server speaks first (SSH: its advertisement opens the session), so a request must follow `discover`. */
  advertisesFirst: boolean;
}

/** What to fetch: the commit (or, for a v0 server, the ref whose advertised tip leads to it) and what the mirror has. */
export interface PackRequest {
  commit: string;
  /** Other objects wanted with it (a signed tag to verify); a v0 server sends them as part of the ref's tip. */
  alsoWant?: string[];
  /** Ref fetched from a v0 server, which accepts only advertised tips as wants; undefined means HEAD. */
  fetchRef: string | undefined;
  /** Commits the mirror has (the server sends only what they lack). */
  haves: string[];
  /** The mirror's shallow commits (their parents are missing). */
  shallow: string[];
  /** `deepen` (1 for a shallow fetch; a huge depth unshallows); undefined fetches complete history. */
  depth: number | undefined;
  /** Where to write the received pack. */
  packFile: string;
  /** The fetch stops with PackTooLargeError once the pack grows past this many bytes. */
  maxPackBytes: number;
}

/** The pack received and the shallow boundary the server reported. */
export interface PackResponse {
  shallow: string[];
  unshallow: string[];
  /** Pack bytes (0 when the server had nothing to send). */
  packBytes: number;
}

async function body(response: GitHttpResponse): Promise<AsyncIterable<Uint8Array>> {
  if (response.statusCode !== 200) {
    // Drain so the connection is released.
    for await (const chunk of response.body) void chunk;
    throw new HttpStatusError(response.statusCode, response.statusMessage);
  }
  return response.body;
}

/** Asks the server which protocol it speaks (GET info/refs), as `git fetch` does before fetching. */
export async function discover(remote: UploadPackRemote): Promise<ServerOffer> {
  const response = await remote.http.request({
    url: `${remote.url.replace(/\/$/, '')}/info/refs?service=git-upload-pack`,
    method: 'GET',
    headers: { ...remote.headers, 'user-agent': 'git/ferry', ...(remote.protocolV2 ? { 'git-protocol': 'version=2' } : {}) },
  });
  const reader = new PacketReader(await body(response));
  let packet = await reader.next();
  // Smart HTTP prefixes the advertisement with "# service=git-upload-pack" and a flush.
  if (packet instanceof Buffer && packet.toString('latin1').startsWith('# service=')) {
    await reader.next();
    packet = await reader.next();
  }
  if (packet instanceof Buffer && packet.toString('latin1').trimEnd() === 'version 2') {
    const fetchFeatures = new Set<string>();
    for (let line = await reader.next(); line instanceof Buffer; line = await reader.next()) {
      const text = line.toString('latin1').trimEnd();
      if (text === 'fetch' || text.startsWith('fetch=')) for (const feature of text.slice('fetch='.length).split(' ')) fetchFeatures.add(feature);
    }
    return { version: 2, fetchFeatures };
  }
  const refs = new Map<string, string>();
  let capabilities = new Set<string>();
  for (; packet instanceof Buffer; packet = await reader.next()) {
    let text = packet.toString('latin1').replace(/\n$/, '');
    // Hosts refuse with an ERR line in place of the advertisement (unknown repository, no access).
    if (text.startsWith('ERR ')) throw new RemoteError(text.slice(4));
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      capabilities = new Set(text.slice(nul + 1).split(' '));
      text = text.slice(0, nul);
    }
    const [oid, ref] = text.split(' ') as [string, string | undefined];
    if (ref && ref !== 'capabilities^{}') refs.set(ref, oid);
  }
  return { version: 0, refs, capabilities };
}

function requestBody(offer: ServerOffer, request: PackRequest): string {
  const lines: string[] = [];
  if (offer.version === 2) {
    if (request.depth !== undefined && !offer.fetchFeatures.has('shallow')) throw new Error('the server does not support shallow fetches');
    lines.push(pktLine('command=fetch\n'), pktLine('agent=git/ferry\n'), DELIM, pktLine('ofs-delta\n'), pktLine('no-progress\n'));
    // Protocol v2 accepts any object as a want: the commit itself, even when it is not a ref's tip.
    for (const oid of [request.commit, ...(request.alsoWant ?? [])]) lines.push(pktLine(`want ${oid}\n`));
    for (const oid of request.shallow) lines.push(pktLine(`shallow ${oid}\n`));
    if (request.depth !== undefined) lines.push(pktLine(`deepen ${request.depth}\n`));
    for (const oid of request.haves) lines.push(pktLine(`have ${oid}\n`));
    lines.push(pktLine('done\n'), FLUSH);
    return lines.join('');
  }
  const { capabilities, refs } = offer;
  const band = capabilities.has('side-band-64k') ? 'side-band-64k' : capabilities.has('side-band') ? 'side-band' : undefined;
  if (!band) throw new Error('the server does not support side-band');
  // A v0 server accepts only what it advertised: the tip of the ref that leads to the commit. When that tip is
  // not the commit itself (a submodule's commit, a pinned one), the history down to it is needed: no deepen.
  const want = refs.get(request.fetchRef ?? 'HEAD') ?? request.commit;
  const depth = want === request.commit ? request.depth : undefined;
  const wanted = [band, 'ofs-delta', 'no-progress', 'shallow', 'agent=git/ferry'].filter((cap) => cap.startsWith('agent=') || capabilities.has(cap));
  lines.push(pktLine(`want ${want} ${wanted.join(' ')}\n`));
  if ((depth !== undefined || request.shallow.length > 0) && !capabilities.has('shallow')) throw new Error('the server does not support shallow fetches');
  for (const oid of request.shallow) lines.push(pktLine(`shallow ${oid}\n`));
  if (depth !== undefined) lines.push(pktLine(`deepen ${depth}\n`));
  lines.push(FLUSH);
  for (const oid of request.haves) lines.push(pktLine(`have ${oid}\n`));
  lines.push(pktLine('done\n'));
  return lines.join('');
}

/**
 * Fetches one commit's objects (git's fetch-pack, protocol v2 or v0 with side-band-64k) and streams the pack to
 * `packFile` as it arrives, hashing it on the way. No thin pack is asked for, so the pack is self-contained.
 */
export async function fetchPack(remote: UploadPackRemote, offer: ServerOffer, request: PackRequest): Promise<PackResponse> {
  const payload = Buffer.from(requestBody(offer, request));
  const response = await remote.http.request({
    url: `${remote.url.replace(/\/$/, '')}/git-upload-pack`,
    method: 'POST',
    headers: {
      ...remote.headers,
      'user-agent': 'git/ferry',
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
      ...(offer.version === 2 ? { 'git-protocol': 'version=2' } : {}),
    },
    body: payload,
  });
  const reader = new PacketReader(await body(response));
  const result: PackResponse = { shallow: [], unshallow: [], packBytes: 0 };
  const file = await open(request.packFile, 'w');
  try {
    for (let packet = await reader.next(); packet !== undefined; packet = await reader.next()) {
      if (!(packet instanceof Buffer)) {
        if (packet === 'flush' && result.packBytes > 0) break;
        continue;
      }
      const band = packet[0] as number;
      if (band === 1) {
        result.packBytes += packet.length - 1;
        if (result.packBytes > request.maxPackBytes) throw new PackTooLargeError(request.maxPackBytes);
        await file.write(packet, 1);
      } else if (band === 3) {
        throw new RemoteError(packet.toString('utf8', 1).trim());
      } else if (band !== 2) {
        const text = packet.toString('latin1').trimEnd();
        if (text.startsWith('ERR ')) throw new RemoteError(text.slice(4));
        if (text.startsWith('shallow ')) result.shallow.push(text.slice('shallow '.length));
        else if (text.startsWith('unshallow ')) result.unshallow.push(text.slice('unshallow '.length));
        // Anything else is a section header (packfile, shallow-info) or an ACK/NAK: nothing to keep.
      }
    }
  } finally {
    await file.close();
    await reader.cancel();
  }
  return result;
}

/** Turns a v0 advertisement into refs under `prefix`, annotated tags peeled (`^{}` lines) to their commit. */
function advertisedRefs(refs: ReadonlyMap<string, string>, prefix: string | undefined): AdvertisedRef[] {
  const listed: AdvertisedRef[] = [];
  for (const [ref, oid] of refs) {
    if (ref.endsWith('^{}') || (prefix && !ref.startsWith(prefix))) continue;
    const peeled = refs.get(`${ref}^{}`);
    listed.push(peeled ? { ref, oid: peeled, object: oid } : { ref, oid });
  }
  return listed;
}

/**
 * Lists the remote's refs under `prefix` (the cheap check of every reconcile). Over HTTP it is one request:
 * a protocol v2 `ls-refs` POSTed straight away (as git does once it knows the server), restricted to the
 * prefix and peeling tags; a server whose answer is not a v2 one gets the v0 advertisement request instead.
 * Over SSH the session opens with the server's advertisement: a v0 one is the answer, after a v2 one the
 * ls-refs command follows on the same session.
 */
export async function lsRefs(remote: UploadPackRemote, prefix: string | undefined): Promise<AdvertisedRef[]> {
  const opening = remote.advertisesFirst ? await discover(remote) : undefined;
  if (opening?.version === 0) return advertisedRefs(opening.refs, prefix);
  if (remote.protocolV2) {
    const lines = [pktLine('command=ls-refs\n'), pktLine('agent=git/ferry\n'), DELIM, pktLine('peel\n'), ...(prefix ? [pktLine(`ref-prefix ${prefix}\n`)] : []), FLUSH];
    const response = await remote.http.request({
      url: `${remote.url.replace(/\/$/, '')}/git-upload-pack`,
      method: 'POST',
      headers: { ...remote.headers, 'user-agent': 'git/ferry', 'content-type': 'application/x-git-upload-pack-request', accept: 'application/x-git-upload-pack-result', 'git-protocol': 'version=2' },
      body: Buffer.from(lines.join('')),
    });
    const refs = await readLsRefs(new PacketReader(await body(response))).catch(() => undefined);
    if (refs) return refs;
  }
  const offer = await discover(remote);
  if (offer.version === 2) throw new Error('the server speaks protocol v2 but did not answer ls-refs');
  return advertisedRefs(offer.refs, prefix);
}

/** Reads an ls-refs answer (`<oid> <ref>[ peeled:<oid>]` lines up to a flush); undefined when it is not one. */
async function readLsRefs(reader: PacketReader): Promise<AdvertisedRef[] | undefined> {
  const refs: AdvertisedRef[] = [];
  for (let packet = await reader.next(); packet !== 'flush'; packet = await reader.next()) {
    if (!(packet instanceof Buffer)) return undefined;
    const [oid, ref, ...attributes] = packet.toString('utf8').trimEnd().split(' ');
    if (!oid || !/^[0-9a-f]{40}$/.test(oid) || !ref) return undefined;
    const peeled = attributes.find((attribute) => attribute.startsWith('peeled:'))?.slice('peeled:'.length);
    refs.push(peeled ? { ref, oid: peeled, object: oid } : { ref, oid });
  }
  return refs;
}
