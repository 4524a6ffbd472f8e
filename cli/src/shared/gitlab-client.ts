/** A GitLab user as `/api/v4/user` returns it. */
export interface GitLabUser {
  id: number;
  username: string;
}

/** A GitLab group (namespace). */
export interface GitLabGroup {
  id: number;
  full_path: string;
}

/** The fields of a GitLab project the bootstrap reads. */
export interface GitLabProject {
  id: number;
  path_with_namespace: string;
  default_branch: string | null;
  visibility: string;
  http_url_to_repo: string;
  ssh_url_to_repo: string;
  web_url: string;
}

/** A deploy key of a project. */
export interface GitLabDeployKey {
  id: number;
  title: string;
  key: string;
  can_push: boolean;
}

/** A failed GitLab API call, with a message fit for a ✗ line (never the token). */
export class GitLabApiError extends Error {
  override readonly name = 'GitLabApiError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** How the client reaches GitLab; `fetch` is replaceable in tests. */
export interface GitLabClientOptions {
  /** `gitlab.com`, `gitlab.cn` (JiHu), a self-managed host, or `host:port`. */
  hostname: string;
  token: string;
  /** Plain HTTP instead of HTTPS (loopback test servers only). */
  insecureHttp?: boolean;
  fetch?: typeof fetch;
}

/** The subset of GitLab's REST API v4 the bootstrap uses, typed, paginated and with errors named after what failed. */
export class GitLabClient {
  /** `https://gitlab.com` */
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GitLabClientOptions) {
    const host = options.hostname.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    this.baseUrl = `${options.insecureHttp ? 'http' : 'https'}://${host}`;
    this.fetch = options.fetch ?? fetch;
  }

  /** The user the token belongs to; a bad token fails with a message saying so. */
  currentUser(): Promise<GitLabUser> {
    return this.request<GitLabUser>('GET', '/user', undefined, 'read the current user');
  }

  /** A group by full path, or undefined when it does not exist (or the token cannot see it). */
  async group(fullPath: string): Promise<GitLabGroup | undefined> {
    return this.optional(this.request<GitLabGroup>('GET', `/groups/${encodeURIComponent(fullPath)}`, undefined, `get group ${fullPath}`));
  }

  /** A user by username, or undefined. */
  async user(username: string): Promise<GitLabUser | undefined> {
    const users = await this.request<GitLabUser[]>('GET', `/users?username=${encodeURIComponent(username)}`, undefined, `find user ${username}`);
    return users[0];
  }

  /** A project by `owner/repo`, or undefined when it does not exist (or the token cannot see it). */
  project(pathWithNamespace: string): Promise<GitLabProject | undefined> {
    return this.optional(
      this.request<GitLabProject>('GET', `/projects/${encodeURIComponent(pathWithNamespace)}`, undefined, `get project ${pathWithNamespace}`),
    );
  }

  /** Creates a project in a namespace (a group's id; omitted for the user's own namespace). */
  createProject(input: { name: string; namespaceId?: number; visibility: 'private' | 'public' | 'internal'; initializeWithReadme?: boolean }): Promise<GitLabProject> {
    return this.request<GitLabProject>('POST', '/projects', {
      name: input.name,
      path: input.name,
      visibility: input.visibility,
      ...(input.namespaceId === undefined ? {} : { namespace_id: input.namespaceId }),
      ...(input.initializeWithReadme ? { initialize_with_readme: true } : {}),
    }, `create project ${input.name}`);
  }

  /** Every deploy key of a project, following pagination. */
  deployKeys(projectId: number | string): Promise<GitLabDeployKey[]> {
    return this.all<GitLabDeployKey>(`/projects/${encodeURIComponent(String(projectId))}/deploy_keys`, `list deploy keys of project ${projectId}`);
  }

  /** Registers a deploy key. */
  addDeployKey(projectId: number | string, key: { title: string; key: string; canPush: boolean }): Promise<GitLabDeployKey> {
    return this.request<GitLabDeployKey>(
      'POST',
      `/projects/${encodeURIComponent(String(projectId))}/deploy_keys`,
      { title: key.title, key: key.key, can_push: key.canPush },
      `add deploy key ${key.title}`,
    );
  }

  /** Removes a deploy key. */
  async deleteDeployKey(projectId: number | string, keyId: number): Promise<void> {
    await this.request('DELETE', `/projects/${encodeURIComponent(String(projectId))}/deploy_keys/${keyId}`, undefined, `delete deploy key ${keyId}`);
  }

  private async optional<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof GitLabApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async all<T>(path: string, what: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const { body, headers } = await this.call<T[]>('GET', `${path}${separator}per_page=100&page=${page}`, undefined, what);
      items.push(...body);
      const next = headers.get('x-next-page');
      if (!next || body.length === 0) return items;
    }
  }

  private async request<T>(method: string, path: string, body: unknown, what: string): Promise<T> {
    return (await this.call<T>(method, path, body, what)).body;
  }

  private async call<T>(method: string, path: string, body: unknown, what: string): Promise<{ body: T; headers: Headers }> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}/api/v4${path}`, {
        method,
        headers: { 'PRIVATE-TOKEN': this.options.token, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new GitLabApiError(`cannot reach GitLab at ${this.baseUrl} to ${what}: ${cause}`, 0);
    }
    const text = await response.text();
    if (!response.ok) throw new GitLabApiError(this.describe(response.status, text, what), response.status);
    return { body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  private describe(status: number, text: string, what: string): string {
    const message = gitlabMessage(text);
    if (status === 401) return `GitLab at ${this.baseUrl} rejected the token (401 Unauthorized): check GITLAB_TOKEN`;
    if (status === 403) return `no permission to ${what} on ${this.baseUrl} (403 Forbidden): the token needs the api scope and Maintainer access`;
    return `failed to ${what} on ${this.baseUrl}: ${message || `HTTP ${status}`}`;
  }
}

// GitLab answers `{"message": "404 Project Not Found"}`, `{"message": {"path": ["is invalid"]}}` or `{"error": "..."}`.
function gitlabMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = parsed.message ?? parsed.error;
    if (typeof message === 'string') return message;
    if (message && typeof message === 'object') {
      return Object.entries(message as Record<string, unknown>)
        .map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
        .join('; ');
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 200);
}
