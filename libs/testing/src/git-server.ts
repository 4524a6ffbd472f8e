import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './real-services';

const exec = promisify(execFile);

/** Who may read the repositories of a GitServer; with none set, anyone may. */
export interface GitServerAuth {
  /** `Authorization: Basic` credentials accepted. */
  basic?: { username: string; password: string };
  /** `Authorization: Bearer` token accepted. */
  bearerToken?: string;
}

/** One HTTP request the GitServer answered. */
export interface GitRequestRecord {
  method: string;
  /** Path and query, e.g. `/app.git/info/refs?service=git-upload-pack`. */
  path: string;
  status: number;
  /** Response body bytes written (what a client downloaded). */
  bytesSent: number;
}

// Fixed identity and dates keep commit ids stable across runs of the same test.
const gitEnv = {
  GIT_AUTHOR_NAME: 'Ferry Test',
  GIT_AUTHOR_EMAIL: 'test@ferry.invalid',
  GIT_COMMITTER_NAME: 'Ferry Test',
  GIT_COMMITTER_EMAIL: 'test@ferry.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await exec('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: { ...process.env, HOME: cwd, ...gitEnv, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/** A bare repository on a GitServer and a work tree to commit, tag and push from (with the real `git` CLI). */
export class GitRepoFixture {
  private commits = 0;

  constructor(
    /** Repository name, e.g. `app.git`. */
    readonly name: string,
    /** Clone URL over HTTP. */
    readonly url: string,
    /** Path of the bare repository. */
    readonly barePath: string,
    /** Path of the work tree commits are made in. */
    readonly workPath: string,
  ) {}

  /**
   * Writes files (null deletes one) in the work tree, commits on `branch` and pushes it; returns the commit sha.
   * Content may be a string or bytes; `executable` lists paths to mark 0755.
   */
  async commit(
    files: Record<string, string | Buffer | null>,
    options: { message?: string; branch?: string; executable?: string[] } = {},
  ): Promise<string> {
    const branch = options.branch ?? 'main';
    const hasHead = await git(this.workPath, ['rev-parse', '--verify', '-q', 'HEAD']).then(
      () => true,
      () => false,
    );
    if (hasHead) {
      const exists = await git(this.workPath, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`]).then(
        () => true,
        () => false,
      );
      await git(this.workPath, exists ? ['checkout', '-q', branch] : ['checkout', '-q', '-b', branch]);
    } else {
      await git(this.workPath, ['checkout', '-q', '-b', branch]);
    }
    for (const [path, content] of Object.entries(files)) {
      const target = join(this.workPath, path);
      if (content === null) {
        rmSync(target, { force: true });
      } else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content, { mode: options.executable?.includes(path) ? 0o755 : 0o644 });
      }
    }
    await git(this.workPath, ['add', '-A']);
    this.commits++;
    const date = new Date(Date.UTC(2026, 0, 1) + this.commits * 60_000).toISOString();
    await git(this.workPath, ['commit', '-q', '--allow-empty', '-m', options.message ?? `commit ${this.commits}`], {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    await git(this.workPath, ['push', '-q', 'origin', `${branch}:refs/heads/${branch}`]);
    return git(this.workPath, ['rev-parse', 'HEAD']);
  }

  /** Creates a tag (annotated when `message` is given) at `target` (default HEAD) and pushes it; returns the commit sha. */
  async tag(name: string, options: { target?: string; message?: string } = {}): Promise<string> {
    const target = options.target ?? 'HEAD';
    await git(this.workPath, options.message ? ['tag', '-a', name, '-m', options.message, target] : ['tag', name, target]);
    await git(this.workPath, ['push', '-q', 'origin', `refs/tags/${name}`]);
    return git(this.workPath, ['rev-parse', `${target}^{commit}`]);
  }

  /** Points the bare repository's HEAD (its default branch) at `branch`. */
  async setDefaultBranch(branch: string): Promise<void> {
    await git(this.barePath, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  }
}

/**
 * A loopback Git server for tests: bare repositories served by the real `git http-backend` (smart HTTP,
 * protocol v0 and v2) behind node:http on 127.0.0.1, with optional basic or bearer auth, and a record of
 * every request with the bytes it sent.
 */
export class GitServer {
  /** Every request answered, in order. */
  readonly requests: GitRequestRecord[] = [];

  private constructor(
    private readonly server: Server,
    private readonly root: { path: string; remove: () => void },
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
  ) {}

  /**
   * Starts a server on 127.0.0.1 and a random port; over HTTPS when `tls` is given. `place` keeps the
   * repositories in a lasting directory and serves them on a fixed port (the local platform's demo server).
   */
  static async start(auth: GitServerAuth = {}, tls?: { key: string; cert: string }, place: { root?: string; port?: number } = {}): Promise<GitServer> {
    const root = place.root ? { path: place.root, remove: () => undefined } : tempDir('ferry-git-');
    mkdirSync(join(root.path, 'repos'), { recursive: true });
    mkdirSync(join(root.path, 'work'), { recursive: true });
    const holder: { server?: GitServer } = {};
    const listener = (request: IncomingMessage, response: ServerResponse) => {
      void handle(request, response, join(root.path, 'repos'), auth, (record) => holder.server?.requests.push(record));
    };
    const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(place.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    holder.server = new GitServer(server, root, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    return holder.server;
  }

  /** Creates an empty bare repository (`name` like `app.git`) and its work tree; opens them if they exist. */
  async createRepo(name: string): Promise<GitRepoFixture> {
    const barePath = join(this.root.path, 'repos', name);
    const workPath = join(this.root.path, 'work', name);
    if (existsSync(join(barePath, 'HEAD')) && existsSync(join(workPath, '.git'))) {
      return new GitRepoFixture(name, `${this.url}/${name}`, barePath, workPath);
    }
    mkdirSync(barePath, { recursive: true });
    mkdirSync(workPath, { recursive: true });
    await git(barePath, ['init', '-q', '--bare']);
    await git(barePath, ['config', 'http.receivepack', 'false']);
    await git(barePath, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
    await git(workPath, ['init', '-q']);
    await git(workPath, ['remote', 'add', 'origin', barePath]);
    return new GitRepoFixture(name, `${this.url}/${name}`, barePath, workPath);
  }

  /** Directory holding the bare repositories (what an SSH front end serves). */
  get reposPath(): string {
    return join(this.root.path, 'repos');
  }

  /** Response bytes sent since the start or the last `resetCounters()`. */
  bytesSent(): number {
    return this.requests.reduce((total, record) => total + record.bytesSent, 0);
  }

  /** Forgets the recorded requests. */
  resetCounters(): void {
    this.requests.length = 0;
  }

  /** Stops the server and removes its repositories. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.root.remove();
  }
}

/** A self-signed certificate for 127.0.0.1 (made with the `openssl` CLI), to serve HTTPS in tests. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = tempDir('ferry-tls-');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir.path, 'key.pem'), 'utf8'), cert: readFileSync(join(dir.path, 'cert.pem'), 'utf8') };
  } finally {
    dir.remove();
  }
}

function authorized(request: IncomingMessage, auth: GitServerAuth): boolean {
  if (!auth.basic && !auth.bearerToken) return true;
  const header = request.headers.authorization ?? '';
  if (auth.basic && header.startsWith('Basic ')) {
    const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return username === auth.basic.username && rest.join(':') === auth.basic.password;
  }
  if (auth.bearerToken && header.startsWith('Bearer ')) return header.slice(7) === auth.bearerToken;
  return false;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  projectRoot: string,
  auth: GitServerAuth,
  record: (entry: GitRequestRecord) => void,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  let bytesSent = 0;
  const done = (status: number) => record({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, status, bytesSent });
  if (!authorized(request, auth)) {
    const body = 'authentication required\n';
    bytesSent = body.length;
    response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ferry-test"', 'Content-Type': 'text/plain' }).end(body);
    done(401);
    return;
  }
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: projectRoot,
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: 'test',
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(request.headers['content-encoding']) } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  request.pipe(cgi.stdin);
  cgi.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headersDone = false;
  let status = 200;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      bytesSent += chunk.length;
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[key] = value;
    }
    response.writeHead(status, headers);
    const body = head.subarray(end + 4);
    bytesSent += body.length;
    if (body.length > 0) response.write(body);
  });
  cgi.stderr.resume();
  await new Promise<void>((resolve) => cgi.on('close', () => resolve()));
  if (!headersDone) response.writeHead(500).end('git http-backend failed\n');
  else response.end();
  done(headersDone ? status : 500);
}
