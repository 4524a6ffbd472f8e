import { GitLabApiError, GitLabClient } from './gitlab-client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

// A scripted GitLab: answers each call from `reply` and records what the client sent.
function fakeGitLab(reply: (call: Call) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: Call[] = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    const call: Call = { url: String(input), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, ...(init?.body ? { body: String(init.body) } : {}) };
    calls.push(call);
    const answer = reply(call);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers ?? {} });
  }) as typeof fetch;
  return { calls, fake };
}

describe('GitLabClient', () => {
  it('sends PRIVATE-TOKEN to https://<hostname>/api/v4 and url-encodes project and group paths', async () => {
    const { calls, fake } = fakeGitLab(() => ({ status: 200, body: { id: 7, path_with_namespace: 'platform/dev/fleet' } }));
    const client = new GitLabClient({ hostname: 'gitlab.cn', token: 'secret', fetch: fake });
    await client.project('platform/dev/fleet');
    await client.group('platform/dev');
    expect(calls.map((call) => call.url)).toEqual([
      'https://gitlab.cn/api/v4/projects/platform%2Fdev%2Ffleet',
      'https://gitlab.cn/api/v4/groups/platform%2Fdev',
    ]);
    expect(calls[0]?.headers['PRIVATE-TOKEN']).toBe('secret');
    expect(new GitLabClient({ hostname: '127.0.0.1:8080', token: 't', insecureHttp: true }).baseUrl).toBe('http://127.0.0.1:8080');
  });

  it('returns undefined for a missing project or group, and maps 401 and 403 to clear messages without the token', async () => {
    const { fake } = fakeGitLab((call) =>
      call.url.endsWith('/user')
        ? { status: 401, body: { message: '401 Unauthorized' } }
        : call.method === 'POST'
          ? { status: 403, body: { message: '403 Forbidden' } }
          : { status: 404, body: { message: '404 Project Not Found' } },
    );
    const client = new GitLabClient({ hostname: 'gitlab.com', token: 'glpat-secret', fetch: fake });
    await expect(client.project('a/b')).resolves.toBeUndefined();
    await expect(client.group('a')).resolves.toBeUndefined();
    const unauthorized = await client.currentUser().catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(GitLabApiError);
    expect((unauthorized as Error).message).toBe('GitLab at https://gitlab.com rejected the token (401 Unauthorized): check GITLAB_TOKEN');
    const forbidden = await client.createProject({ name: 'fleet', namespaceId: 3, visibility: 'private' }).catch((error: unknown) => error as Error);
    expect((forbidden as Error).message).toContain('no permission to create project fleet on https://gitlab.com (403 Forbidden)');
    expect(`${(unauthorized as Error).message}${(forbidden as Error).message}`).not.toContain('glpat-secret');
  });

  it('reports GitLab field errors and unreachable hosts by what failed', async () => {
    const { fake } = fakeGitLab(() => ({ status: 400, body: { message: { path: ['has already been taken'] } } }));
    const client = new GitLabClient({ hostname: 'gitlab.com', token: 't', fetch: fake });
    await expect(client.createProject({ name: 'fleet', visibility: 'private' })).rejects.toThrow('failed to create project fleet on https://gitlab.com: path has already been taken');
    const offline = new GitLabClient({ hostname: 'gitlab.com', token: 't', fetch: (async () => { throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }); }) as typeof fetch });
    await expect(offline.currentUser()).rejects.toThrow('cannot reach GitLab at https://gitlab.com to read the current user: connect ECONNREFUSED');
  });

  it('follows x-next-page through every page of deploy keys', async () => {
    const { calls, fake } = fakeGitLab((call) => {
      const page = new URL(call.url).searchParams.get('page');
      return page === '1'
        ? { status: 200, body: [{ id: 1, title: 'a', key: 'k1', can_push: false }], headers: { 'x-next-page': '2' } }
        : { status: 200, body: [{ id: 2, title: 'b', key: 'k2', can_push: true }], headers: { 'x-next-page': '' } };
    });
    const client = new GitLabClient({ hostname: 'gitlab.com', token: 't', fetch: fake });
    expect((await client.deployKeys(5)).map((key) => key.title)).toEqual(['a', 'b']);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.url).toBe('https://gitlab.com/api/v4/projects/5/deploy_keys?per_page=100&page=2');
  });

  it('posts deploy keys and projects with GitLab field names', async () => {
    const { calls, fake } = fakeGitLab(() => ({ status: 201, body: {} }));
    const client = new GitLabClient({ hostname: 'gitlab.com', token: 't', fetch: fake });
    await client.addDeployKey(5, { title: 'flux-system-main', key: 'ssh-ed25519 AAAA', canPush: true });
    await client.createProject({ name: 'fleet', namespaceId: 9, visibility: 'public' });
    expect(JSON.parse(calls[0]?.body ?? '{}')).toEqual({ title: 'flux-system-main', key: 'ssh-ed25519 AAAA', can_push: true });
    expect(JSON.parse(calls[1]?.body ?? '{}')).toEqual({ name: 'fleet', path: 'fleet', visibility: 'public', namespace_id: 9 });
  });
});
