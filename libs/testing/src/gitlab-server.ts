import { execFile, spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Server as SshServer, utils as sshUtils, type Connection, type ParsedKey } from 'ssh2';
import { GitServer, type GitRepoFixture } from './git-server';
import { generateSshKeyPair } from './git-ssh-server';

const exec = promisify(execFile);

/** A user of a GitLabServer; `token` is its personal access token. */
export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  token: string;
}

/** A group (namespace) of a GitLabServer; `path` is its full path, e.g. `platform/clusters`. */
export interface GitLabGroup {
  id: number;
  name: string;
  path: string;
  /** Usernames allowed to create projects in the group and push to them. */
  members: string[];
}

/** A deploy key registered on a project. */
export interface GitLabDeployKey {
  id: number;
  title: string;
  key: string;
  can_push: boolean;
  created_at: string;
}

/** A commit status set on a project. */
export interface GitLabCommitStatus {
  id: number;
  sha: string;
  ref: string | null;
  status: string;
  name: string;
  target_url: string | null;
  description: string | null;
  created_at: string;
}

/** A project of a GitLabServer, backed by a real bare repository. */
export interface GitLabProject {
  id: number;
  name: string;
  path: string;
  /** `owner/repo` (owner may be a group's full path). */
  pathWithNamespace: string;
  namespace: { id: number; name: string; path: string; full_path: string; kind: 'user' | 'group' };
  visibility: string;
  repo: GitRepoFixture;
  deployKeys: GitLabDeployKey[];
  statuses: GitLabCommitStatus[];
}

interface Route {
  method: string;
  pattern: RegExp;
  handle(call: ApiCall, match: string[]): Promise<void> | void;
}

interface ApiCall {
  user: GitLabUser;
  url: URL;
  body: Record<string, unknown>;
  response: ServerResponse;
}

/**
 * A loopback server speaking the subset of GitLab's REST API v4 that Flux's bootstrap uses (users, groups,
 * projects, deploy keys, commit statuses, branches), with PRIVATE-TOKEN / Bearer auth, GitLab's error bodies and
 * pagination headers. Each project is a real bare repository served over smart HTTP at
 * `<url>/<owner>/<repo>.git` (pushes allowed), authenticated as GitLab does: any username, the token as password;
 * and over SSH (`ssh://git@<sshHost>/<owner>/<repo>`), authenticated by the project's deploy keys (pushes need
 * `can_push`).
 */
export class GitLabServer {
  /** Every API request answered: method, path and status. */
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  private readonly users: GitLabUser[] = [];
  private readonly groups: GitLabGroup[] = [];
  private readonly projects: GitLabProject[] = [];
  private nextId = 1;
  private readonly routes: Route[];

  private ssh: { server: SshServer; port: number; knownHosts: string } | undefined;

  private constructor(
    private readonly server: Server,
    private readonly git: GitServer,
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
  ) {
    this.routes = this.buildRoutes();
  }

  /** `127.0.0.1:<port>` of the SSH front end (what `--ssh-hostname` takes). */
  get sshHost(): string {
    return `127.0.0.1:${this.sshFrontEnd().port}`;
  }

  /** The SSH host key as a known_hosts line (`[127.0.0.1]:<port> ssh-ed25519 …`). */
  get sshKnownHosts(): string {
    return this.sshFrontEnd().knownHosts;
  }

  private sshFrontEnd(): { server: SshServer; port: number; knownHosts: string } {
    if (!this.ssh) throw new Error('the SSH front end is not started');
    return this.ssh;
  }

  /** Starts on 127.0.0.1 and a random port. */
  static async start(): Promise<GitLabServer> {
    const git = await GitServer.start();
    const holder: { server?: GitLabServer } = {};
    const server = createServer((request, response) => {
      void holder.server?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) json(response, 500, { message: `500 ${error instanceof Error ? error.message : String(error)}` });
        else response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.server = new GitLabServer(server, git, `http://127.0.0.1:${port}`);
    await holder.server.startSsh();
    return holder.server;
  }

  // Git over SSH as GitLab serves it: user `git`, any registered deploy key; the exec'd command names the project.
  private async startSsh(): Promise<void> {
    const hostKey = generateSshKeyPair();
    const server = new SshServer({ hostKeys: [hostKey.private] }, (client: Connection) => {
      let key: ParsedKey | undefined;
      client.on('authentication', (context) => {
        if (context.method !== 'publickey') return context.reject(['publickey']);
        const offered = context.key;
        const match = this.projects.flatMap((project) => project.deployKeys).map((deployKey) => sshUtils.parseKey(deployKey.key)).find((parsed): parsed is ParsedKey => {
          if (parsed instanceof Error) return false;
          const blob = parsed.getPublicSSH();
          return parsed.type === offered.algo && blob.length === offered.data.length && timingSafeEqual(blob, offered.data);
        });
        if (!match) return context.reject(['publickey']);
        if (context.signature && context.blob && !match.verify(context.blob, context.signature, context.hashAlgo)) return context.reject(['publickey']);
        key = match;
        context.accept();
      });
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('exec', (acceptExec, rejectExec, info) => {
            const command = /^(git[- ](?:upload|receive)-pack) '?\/?([^']+?)'?$/.exec(info.command);
            const project = command ? this.project((command[2] ?? '').replace(/\.git$/, '')) : undefined;
            const pushing = command?.[1]?.endsWith('receive-pack') ?? false;
            const deployKey = project?.deployKeys.find((candidate) => {
              const parsed = sshUtils.parseKey(candidate.key);
              return !(parsed instanceof Error) && key !== undefined && parsed.getPublicSSH().equals(key.getPublicSSH());
            });
            if (!project || !deployKey || (pushing && !deployKey.can_push)) return rejectExec();
            const stream = acceptExec();
            const child = spawn('git', [pushing ? 'receive-pack' : 'upload-pack', project.repo.barePath], { env: { PATH: process.env['PATH'], GIT_CONFIG_NOSYSTEM: '1', HOME: project.repo.barePath } });
            child.stdout.on('data', (chunk: Buffer) => stream.write(chunk));
            child.stderr.on('data', (chunk: Buffer) => stream.stderr.write(chunk));
            stream.pipe(child.stdin).on('error', () => undefined);
            child.on('close', (code) => {
              stream.exit(code ?? 1);
              stream.end();
            });
          });
        });
      });
      client.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const publicHost = hostKey.public.trim().split(/\s+/).slice(0, 2).join(' ');
    this.ssh = { server, port, knownHosts: `[127.0.0.1]:${port} ${publicHost}\n` };
  }

  /** `host:port`, what `--hostname` takes. */
  get host(): string {
    return new URL(this.url).host;
  }

  /** Adds a user with a personal access token. */
  addUser(username: string, token: string): GitLabUser {
    const user = { id: this.nextId++, username, name: username, token };
    this.users.push(user);
    return user;
  }

  /** Adds a group (full path, e.g. `platform` or `platform/clusters`) whose members may create projects in it. */
  addGroup(path: string, members: string[]): GitLabGroup {
    const group = { id: this.nextId++, name: path.split('/').pop() ?? path, path, members };
    this.groups.push(group);
    return group;
  }

  /** Creates a project directly (as an admin would), owned by a user or group full path. */
  async addProject(owner: string, name: string, options: { readme?: boolean } = {}): Promise<GitLabProject> {
    const namespace = this.namespaceOf(owner);
    if (!namespace) throw new Error(`no user or group ${owner}`);
    return this.createProject(namespace, name, 'private', options.readme ?? false);
  }

  /** A project by `owner/repo`. */
  project(pathWithNamespace: string): GitLabProject | undefined {
    return this.projects.find((project) => project.pathWithNamespace === pathWithNamespace);
  }

  /** Stops the server and removes the repositories. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const ssh = this.ssh;
    if (ssh) await new Promise<void>((resolve) => ssh.server.close(() => resolve()));
    await this.git.stop();
  }

  private namespaceOf(owner: string): GitLabProject['namespace'] | undefined {
    const user = this.users.find((candidate) => candidate.username === owner);
    if (user) return { id: user.id, name: user.name, path: user.username, full_path: user.username, kind: 'user' };
    const group = this.groups.find((candidate) => candidate.path === owner);
    if (group) return { id: group.id, name: group.name, path: group.path.split('/').pop() ?? group.path, full_path: group.path, kind: 'group' };
    return undefined;
  }

  private async createProject(namespace: GitLabProject['namespace'], path: string, visibility: string, readme: boolean): Promise<GitLabProject> {
    const pathWithNamespace = `${namespace.full_path}/${path}`;
    const repo = await this.git.createRepo(`${pathWithNamespace}.git`);
    // GitServer serves read-only by default; a GitLab project takes pushes.
    await exec('git', ['config', 'http.receivepack', 'true'], { cwd: repo.barePath });
    if (readme) await repo.commit({ 'README.md': `# ${path}\n` }, { message: 'Initial commit' });
    const project: GitLabProject = {
      id: this.nextId++,
      name: path,
      path,
      pathWithNamespace,
      namespace,
      visibility,
      repo,
      deployKeys: [],
      statuses: [],
    };
    this.projects.push(project);
    return project;
  }

  private mayWrite(user: GitLabUser, project: GitLabProject): boolean {
    if (project.namespace.kind === 'user') return project.namespace.full_path === user.username;
    return this.groups.find((group) => group.id === project.namespace.id)?.members.includes(user.username) ?? false;
  }

  private async projectJson(project: GitLabProject): Promise<Record<string, unknown>> {
    const heads = await exec('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads'], { cwd: project.repo.barePath });
    const head = await exec('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: project.repo.barePath });
    const empty = heads.stdout.trim() === '';
    return {
      id: project.id,
      name: project.name,
      path: project.path,
      name_with_namespace: `${project.namespace.name} / ${project.name}`,
      path_with_namespace: project.pathWithNamespace,
      description: null,
      default_branch: empty ? null : head.stdout.trim(),
      visibility: project.visibility,
      namespace: project.namespace,
      http_url_to_repo: `${this.url}/${project.pathWithNamespace}.git`,
      // GitLab's scp-like form has no port: with one it gives the ssh:// form.
      ssh_url_to_repo: `ssh://git@${this.sshHost}/${project.pathWithNamespace}.git`,
      web_url: `${this.url}/${project.pathWithNamespace}`,
      empty_repo: empty,
      archived: false,
      created_at: '2026-01-01T00:00:00.000Z',
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    if (!url.pathname.startsWith('/api/v4/')) return this.proxyGit(request, response, url);
    const body = await readJson(request);
    const record = (status: number): void => void this.requests.push({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, status });
    const token = (request.headers['private-token'] as string | undefined) ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const user = this.users.find((candidate) => candidate.token === token);
    if (!token || !user) {
      json(response, 401, { message: '401 Unauthorized' });
      return record(401);
    }
    // GitLab matches routes on the raw path: a project or group id is one url-encoded segment (`owner%2Frepo`).
    const path = url.pathname.slice('/api/v4'.length);
    for (const route of this.routes) {
      const match = route.method === request.method ? route.pattern.exec(path) : null;
      if (!match) continue;
      await route.handle({ user, url, body, response }, match.slice(1).map((part) => decodeURIComponent(part)));
      return record(response.statusCode);
    }
    json(response, 404, { error: '404 Not Found' });
    record(404);
  }

  private findProject(id: string): GitLabProject | undefined {
    return this.projects.find((project) => String(project.id) === id || project.pathWithNamespace === id);
  }

  private buildRoutes(): Route[] {
    const withProject = (
      handle: (call: ApiCall, project: GitLabProject, rest: string[]) => Promise<void> | void,
      write = false,
    ) => async (call: ApiCall, match: string[]) => {
      const project = this.findProject(match[0] ?? '');
      const visible = project && (project.visibility !== 'private' || this.mayWrite(call.user, project));
      if (!project || !visible) return json(call.response, 404, { message: '404 Project Not Found' });
      if (write && !this.mayWrite(call.user, project)) return json(call.response, 403, { message: '403 Forbidden' });
      await handle(call, project, match.slice(1));
    };
    return [
      { method: 'GET', pattern: /^\/user$/, handle: (call) => json(call.response, 200, userJson(call.user, this.url)) },
      {
        method: 'GET',
        pattern: /^\/users$/,
        handle: (call) => {
          const username = call.url.searchParams.get('username');
          const users = this.users.filter((user) => !username || user.username.toLowerCase() === username.toLowerCase());
          paginate(call, users.map((user) => userJson(user, this.url)));
        },
      },
      {
        method: 'GET',
        pattern: /^\/groups\/([^/]+)$/,
        handle: (call, [id]) => {
          const group = this.groups.find((candidate) => String(candidate.id) === id || candidate.path === id);
          if (!group) return json(call.response, 404, { message: '404 Group Not Found' });
          json(call.response, 200, {
            id: group.id,
            name: group.name,
            path: group.path.split('/').pop(),
            full_path: group.path,
            full_name: group.path.split('/').join(' / '),
            visibility: 'private',
            web_url: `${this.url}/groups/${group.path}`,
          });
        },
      },
      {
        method: 'GET',
        pattern: /^\/projects\/([^/]+)$/,
        handle: withProject(async (call, project) => json(call.response, 200, await this.projectJson(project))),
      },
      {
        method: 'POST',
        pattern: /^\/projects$/,
        handle: async (call) => {
          const name = String(call.body['name'] ?? call.body['path'] ?? '');
          const path = String(call.body['path'] ?? name);
          if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(path)) return json(call.response, 400, { message: { path: ['is invalid'] } });
          const namespaceId = call.body['namespace_id'];
          const group = namespaceId === undefined ? undefined : this.groups.find((candidate) => candidate.id === Number(namespaceId));
          if (namespaceId !== undefined && !group && Number(namespaceId) !== call.user.id) {
            return json(call.response, 404, { message: '404 Namespace Not Found' });
          }
          if (group && !group.members.includes(call.user.username)) return json(call.response, 403, { message: '403 Forbidden' });
          const namespace = this.namespaceOf(group ? group.path : call.user.username);
          if (!namespace) return json(call.response, 404, { message: '404 Namespace Not Found' });
          if (this.project(`${namespace.full_path}/${path}`)) {
            return json(call.response, 400, { message: { name: ['has already been taken'], path: ['has already been taken'] } });
          }
          const visibility = String(call.body['visibility'] ?? 'private');
          const project = await this.createProject(namespace, path, visibility, call.body['initialize_with_readme'] === true || call.body['initialize_with_readme'] === 'true');
          json(call.response, 201, await this.projectJson(project));
        },
      },
      {
        method: 'GET',
        pattern: /^\/projects\/([^/]+)\/deploy_keys$/,
        handle: withProject((call, project) => paginate(call, project.deployKeys), true),
      },
      {
        method: 'POST',
        pattern: /^\/projects\/([^/]+)\/deploy_keys$/,
        handle: withProject((call, project) => {
          const title = String(call.body['title'] ?? '');
          const key = String(call.body['key'] ?? '').trim();
          if (!title || !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(key)) {
            return json(call.response, 400, { message: { key: ['is invalid'] } });
          }
          if (project.deployKeys.some((existing) => existing.key.split(' ').slice(0, 2).join(' ') === key.split(' ').slice(0, 2).join(' '))) {
            return json(call.response, 400, { message: { 'deploy_key.fingerprint_sha256': ['has already been taken'] } });
          }
          const deployKey = { id: this.nextId++, title, key, can_push: call.body['can_push'] === true, created_at: new Date().toISOString() };
          project.deployKeys.push(deployKey);
          json(call.response, 201, deployKey);
        }, true),
      },
      {
        method: 'DELETE',
        pattern: /^\/projects\/([^/]+)\/deploy_keys\/(\d+)$/,
        handle: withProject((call, project, [keyId]) => {
          const index = project.deployKeys.findIndex((key) => String(key.id) === keyId);
          if (index < 0) return json(call.response, 404, { message: '404 Deploy Key Not Found' });
          project.deployKeys.splice(index, 1);
          call.response.writeHead(204).end();
        }, true),
      },
      {
        method: 'POST',
        pattern: /^\/projects\/([^/]+)\/statuses\/([0-9a-f]{40})$/,
        handle: withProject(async (call, project, [sha]) => {
          const state = String(call.body['state'] ?? '');
          if (!['pending', 'running', 'success', 'failed', 'canceled'].includes(state)) {
            return json(call.response, 400, { message: 'state does not have a valid value' });
          }
          const known = await exec('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd: project.repo.barePath }).then(() => true, () => false);
          if (!known) return json(call.response, 404, { message: '404 Commit Not Found' });
          const status: GitLabCommitStatus = {
            id: this.nextId++,
            sha: sha ?? '',
            ref: typeof call.body['ref'] === 'string' ? call.body['ref'] : null,
            status: state,
            name: String(call.body['name'] ?? call.body['context'] ?? 'default'),
            target_url: typeof call.body['target_url'] === 'string' ? call.body['target_url'] : null,
            description: typeof call.body['description'] === 'string' ? call.body['description'] : null,
            created_at: new Date().toISOString(),
          };
          project.statuses.push(status);
          json(call.response, 201, status);
        }, true),
      },
      {
        method: 'GET',
        pattern: /^\/projects\/([^/]+)\/repository\/commits\/([0-9a-f]{40})\/statuses$/,
        handle: withProject((call, project, [sha]) => paginate(call, project.statuses.filter((status) => status.sha === sha))),
      },
      {
        method: 'GET',
        pattern: /^\/projects\/([^/]+)\/repository\/branches$/,
        handle: withProject(async (call, project) => {
          const { stdout } = await exec('git', ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads'], { cwd: project.repo.barePath });
          const head = (await exec('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: project.repo.barePath })).stdout.trim();
          const branches = stdout.split('\n').filter(Boolean).map((line) => {
            const [name, id] = line.split(' ');
            return { name, default: name === head, protected: false, commit: { id, short_id: id?.slice(0, 8) } };
          });
          paginate(call, branches);
        }),
      },
    ];
  }

  // Git over HTTP: checks the token as GitLab does (any username, the token as password), then hands the request
  // to the GitServer holding the bare repositories.
  private proxyGit(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const match = /^\/(.+?\.git)\//.exec(url.pathname);
    const project = match ? this.project((match[1] ?? '').replace(/\.git$/, '')) : undefined;
    const header = request.headers.authorization ?? '';
    const password = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const user = this.users.find((candidate) => candidate.token === password);
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    const allowed = project && user && (pushing ? this.mayWrite(user, project) : project.visibility !== 'private' || this.mayWrite(user, project));
    if (!allowed) {
      const anonymousRead = project && !pushing && project.visibility !== 'private';
      if (!anonymousRead) {
        response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitLab"', 'Content-Type': 'text/plain' }).end('HTTP Basic: Access denied\n');
        return;
      }
    }
    const target = new URL(`${url.pathname}${url.search}`, this.git.url);
    const headers = { ...request.headers };
    delete headers.authorization;
    headers.host = target.host;
    const upstream = httpRequest(target, { method: request.method, headers }, (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
    });
    request.pipe(upstream);
  }
}

function userJson(user: GitLabUser, base: string): Record<string, unknown> {
  return { id: user.id, username: user.username, name: user.name, state: 'active', web_url: `${base}/${user.username}` };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

// GitLab's offset pagination: page/per_page query, x-* headers and a Link header with next/prev/first/last.
function paginate(call: ApiCall, items: unknown[]): void {
  const page = Math.max(1, Number(call.url.searchParams.get('page') ?? '1') || 1);
  const perPage = Math.min(100, Math.max(1, Number(call.url.searchParams.get('per_page') ?? '20') || 20));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number, rel: string) => {
    const next = new URL(call.url);
    next.searchParams.set('page', String(target));
    next.searchParams.set('per_page', String(perPage));
    return `<${next.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < totalPages ? [link(page + 1, 'next')] : []),
    link(1, 'first'),
    link(totalPages, 'last'),
  ];
  json(call.response, 200, items.slice((page - 1) * perPage, page * perPage), {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    Link: links.join(', '),
  });
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
