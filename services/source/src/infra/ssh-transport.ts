import { createHmac } from 'node:crypto';
import { Client, type ClientChannel } from 'ssh2';
import type { GitHttpClient } from './upload-pack';

/** SSH credentials from a GitRepository's Secret (`identity`, `known_hosts`, `password`). */
export interface SshAuth {
  identity: string;
  knownHosts: string;
  passphrase?: string;
}

/** Where an `ssh://` URL points. */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  path: string;
}

/** Parses `ssh://[user@]host[:port]/path`. */
export function parseSshUrl(url: string): SshTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ssh:') throw new Error(`not an ssh:// URL: ${url}`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 22,
    username: decodeURIComponent(parsed.username) || 'git',
    path: decodeURIComponent(parsed.pathname),
  };
}

/**
 * Whether `key` (the server's public key blob) is listed for host:port in known_hosts text; handles
 * `[host]:port` entries and hashed (`|1|salt|hash`) host names, as OpenSSH writes them.
 */
export function knownHostMatches(knownHosts: string, host: string, port: number, key: Buffer): boolean {
  const names = port === 22 ? [host] : [`[${host}]:${port}`];
  const encoded = key.toString('base64');
  for (const line of knownHosts.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]?.startsWith('#') || fields[0]?.startsWith('@')) continue;
    const [patterns, , blob] = fields as [string, string, string];
    if (blob !== encoded) continue;
    for (const pattern of patterns.split(',')) {
      if (pattern.startsWith('|1|')) {
        const [, , salt, hash] = pattern.split('|');
        if (salt && hash && names.some((name) => createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash)) return true;
      } else if (names.includes(pattern)) {
        return true;
      }
    }
  }
  return false;
}

/** Thrown for SSH failures, with `kind` telling authentication problems from others. */
export class SshError extends Error {
  override readonly name = 'SshError';
  constructor(
    message: string,
    readonly kind: 'auth' | 'hostkey' | 'connect',
  ) {
    super(message);
  }
}

const FLUSH = Buffer.from('0000');

/** Index just past the flush packet ending the ref advertisement, or -1 when not yet received. */
function advertisementEnd(data: Buffer): number {
  let position = 0;
  while (position + 4 <= data.length) {
    const length = parseInt(data.toString('latin1', position, position + 4), 16);
    if (Number.isNaN(length)) throw new SshError('invalid pkt-line in the ref advertisement', 'connect');
    if (length === 0) return position + 4;
    position += length;
  }
  return -1;
}

/**
 * The upload-pack client speaks smart HTTP; this client carries it over one SSH `git-upload-pack` session:
 * the advertisement the server sends first answers `GET info/refs`, and the `POST git-upload-pack` body is
 * written to the same session, whose output is the answer. The client always ends its request with `done`,
 * so the stateful exchange matches the stateless one.
 */
export class SshGitSession {
  private client: Client | undefined;
  private channel: ClientChannel | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly waiters: Array<() => void> = [];
  private failure: Error | undefined;

  constructor(
    private readonly target: SshTarget,
    private readonly auth: SshAuth,
    private readonly signal: AbortSignal,
    private readonly counter: { bytes: number },
  ) {}

  /** The smart-HTTP client to give the upload-pack client, with `url` (any http URL) standing for the SSH remote. */
  http(): GitHttpClient {
    return {
      request: async ({ url, method, body }) => {
        if (method === 'GET' && url.includes('/info/refs')) {
          const advertisement = await this.advertisement();
          return { statusCode: 200, statusMessage: 'OK', body: once(advertisement) };
        }
        if (method === 'POST' && url.endsWith('/git-upload-pack')) {
          const channel = this.channel;
          if (!channel) throw new SshError('git-upload-pack session is not open', 'connect');
          if (body) channel.write(body);
          return { statusCode: 200, statusMessage: 'OK', body: this.rest() };
        }
        throw new SshError(`unsupported request over SSH: ${method} ${url}`, 'connect');
      },
    };
  }

  /** Ends the session (a clean flush first, so upload-pack exits without an error) and the connection. */
  close(): void {
    if (this.channel && !this.ended) this.channel.end(FLUSH);
    this.client?.end();
  }

  private async advertisement(): Promise<Buffer> {
    await this.open();
    for (;;) {
      const end = advertisementEnd(this.buffered);
      if (end >= 0) {
        const advertisement = this.buffered.subarray(0, end);
        this.buffered = this.buffered.subarray(end);
        return advertisement;
      }
      await this.more();
    }
  }

  private async *rest(): AsyncIterableIterator<Uint8Array> {
    for (;;) {
      if (this.buffered.length > 0) {
        const chunk = this.buffered;
        this.buffered = Buffer.alloc(0);
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await this.more();
    }
  }

  private more(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new SshError('git-upload-pack ended early', 'connect'));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    this.waiters.splice(0).forEach((resolve) => resolve());
  }

  private open(): Promise<void> {
    if (this.channel) return Promise.resolve();
    const { host, port, username, path } = this.target;
    return new Promise<void>((resolve, reject) => {
      const client = new Client();
      this.client = client;
      let hostKeyRejected = false;
      const fail = (error: Error) => {
        this.failure ??= error;
        this.wake();
        reject(this.failure);
      };
      const abort = () => {
        client.end();
        fail(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
      };
      this.signal.addEventListener('abort', abort, { once: true });
      client.on('error', (error: Error & { level?: string }) => {
        if (hostKeyRejected) fail(new SshError(`ssh: handshake failed: knownhosts: key mismatch for ${host}:${port}`, 'hostkey'));
        else if (error.level === 'client-authentication') fail(new SshError(`ssh: handshake failed: unable to authenticate as '${username}' with the given identity`, 'auth'));
        else fail(new SshError(`ssh: ${error.message}`, 'connect'));
      });
      client.on('ready', () => {
        // Protocol v2 travels in the environment; a server that does not accept it answers in v0.
        client.exec(`git-upload-pack '${path.replace(/'/g, '')}'`, { env: { GIT_PROTOCOL: 'version=2' } }, (error, channel) => {
          if (error) return fail(new SshError(`ssh: cannot run git-upload-pack: ${error.message}`, 'connect'));
          this.channel = channel;
          channel.on('data', (chunk: Buffer) => {
            this.counter.bytes += chunk.length;
            this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
            this.wake();
          });
          let stderr = '';
          channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          channel.on('close', () => {
            this.ended = true;
            this.signal.removeEventListener('abort', abort);
            if (this.buffered.length === 0 && stderr.trim() && !this.failure) this.failure = new SshError(`git-upload-pack: ${stderr.trim()}`, 'connect');
            this.wake();
          });
          resolve();
        });
      });
      client.connect({
        host,
        port,
        username,
        privateKey: this.auth.identity,
        ...(this.auth.passphrase ? { passphrase: this.auth.passphrase } : {}),
        hostVerifier: (key: Buffer) => {
          const ok = knownHostMatches(this.auth.knownHosts, host, port, key);
          hostKeyRejected = !ok;
          return ok;
        },
        readyTimeout: 30_000,
      });
    });
  }
}

async function* once(data: Buffer): AsyncIterableIterator<Uint8Array> {
  yield data;
}
