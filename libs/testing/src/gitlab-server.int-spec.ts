import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { generateSshKeyPair } from './git-ssh-server';
import { GitLabServer } from './gitlab-server';
import { tempDir } from './real-services';

const exec = promisify(execFile);

describe('GitLabServer', () => {
  let gitlab: GitLabServer;

  beforeAll(async () => {
    gitlab = await GitLabServer.start();
    gitlab.addUser('alice', 'alice-token');
    gitlab.addUser('bob', 'bob-token');
    gitlab.addGroup('platform/clusters', ['alice']);
  });

  afterAll(() => gitlab.stop());

  const api = async (method: string, path: string, token: string | undefined, body?: unknown, bearer = false) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers[bearer ? 'Authorization' : 'PRIVATE-TOKEN'] = bearer ? `Bearer ${token}` : token;
    const response = await fetch(`${gitlab.url}/api/v4${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown> & unknown[]) : undefined };
  };

  it('authenticates with PRIVATE-TOKEN or Bearer and answers 401 as GitLab does', async () => {
    expect((await api('GET', '/user', 'alice-token')).body).toMatchObject({ username: 'alice' });
    expect((await api('GET', '/user', 'bob-token', undefined, true)).body).toMatchObject({ username: 'bob' });
    expect(await api('GET', '/user', 'wrong')).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await api('GET', '/user', undefined)).toMatchObject({ status: 401 });
  });

  it('finds users and url-encoded groups', async () => {
    expect((await api('GET', '/users?username=bob', 'alice-token')).body).toEqual([expect.objectContaining({ username: 'bob' })]);
    expect((await api('GET', '/users?username=nobody', 'alice-token')).body).toEqual([]);
    expect((await api('GET', `/groups/${encodeURIComponent('platform/clusters')}`, 'alice-token')).body).toMatchObject({ full_path: 'platform/clusters', path: 'clusters' });
    expect(await api('GET', '/groups/missing', 'alice-token')).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
  });

  it('creates a project backed by a real repository that takes pushes with the token as password', async () => {
    const group = (await api('GET', `/groups/${encodeURIComponent('platform/clusters')}`, 'alice-token')).body as unknown as { id: number };
    const created = await api('POST', '/projects', 'alice-token', { namespace_id: group.id, name: 'fleet', path: 'fleet', visibility: 'private', initialize_with_readme: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ path_with_namespace: 'platform/clusters/fleet', default_branch: 'main', http_url_to_repo: `${gitlab.url}/platform/clusters/fleet.git` });
    expect((await api('POST', '/projects', 'bob-token', { namespace_id: group.id, name: 'other' })).status).toBe(403);
    expect(await api('GET', `/projects/${encodeURIComponent('platform/clusters/missing')}`, 'alice-token')).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    // A private project is invisible to non-members.
    expect((await api('GET', `/projects/${encodeURIComponent('platform/clusters/fleet')}`, 'bob-token')).status).toBe(404);

    const dir = tempDir('ferry-gitlab-');
    try {
      const remote = `${gitlab.url}/platform/clusters/fleet.git`.replace('http://', 'http://oauth2:alice-token@');
      await exec('git', ['clone', '-q', remote, join(dir.path, 'work')], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      const work = join(dir.path, 'work');
      await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'second'], { cwd: work });
      await exec('git', ['push', '-q', 'origin', 'main'], { cwd: work, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      const sha = (await exec('git', ['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();
      const bad = `${gitlab.url}/platform/clusters/fleet.git`.replace('http://', 'http://oauth2:bob-token@');
      await expect(exec('git', ['push', '-q', bad, 'main'], { cwd: work, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).rejects.toThrow();

      const branches = await api('GET', `/projects/${encodeURIComponent('platform/clusters/fleet')}/repository/branches`, 'alice-token');
      expect(branches.body).toEqual([expect.objectContaining({ name: 'main', default: true, commit: expect.objectContaining({ id: sha }) })]);
      const status = await api('POST', `/projects/${encodeURIComponent('platform/clusters/fleet')}/statuses/${sha}`, 'alice-token', { state: 'success', name: 'kustomization/flux-system', description: 'applied' });
      expect(status.status).toBe(201);
      const statuses = await api('GET', `/projects/${encodeURIComponent('platform/clusters/fleet')}/repository/commits/${sha}/statuses`, 'alice-token');
      expect(statuses.body).toEqual([expect.objectContaining({ sha, status: 'success', name: 'kustomization/flux-system' })]);
    } finally {
      dir.remove();
    }
  });

  it('manages deploy keys with pagination headers', async () => {
    const project = await gitlab.addProject('alice', 'keys');
    const path = `/projects/${project.id}/deploy_keys`;
    for (let index = 0; index < 3; index++) {
      const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'A'.repeat(40)}${index} key-${index}`;
      expect((await api('POST', path, 'alice-token', { title: `key-${index}`, key, can_push: index === 0 })).status).toBe(201);
    }
    const first = await api('GET', `${path}?per_page=2`, 'alice-token');
    expect(first.body).toHaveLength(2);
    expect(first.headers.get('x-total')).toBe('3');
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('link')).toContain('rel="next"');
    const second = await api('GET', `${path}?per_page=2&page=2`, 'alice-token');
    expect(second.body).toEqual([expect.objectContaining({ title: 'key-2', can_push: false })]);
    expect(second.headers.get('x-next-page')).toBe('');
    const id = (second.body as unknown as Array<{ id: number }>)[0]?.id;
    expect((await api('DELETE', `${path}/${id}`, 'alice-token')).status).toBe(204);
    expect((await api('GET', path, 'alice-token')).body).toHaveLength(2);
    expect((await api('GET', path, 'bob-token')).status).toBe(404);
  });

  it('serves git over SSH to deploy keys, pushes only with can_push', async () => {
    const project = await gitlab.addProject('alice', `ssh-${Date.now()}`, { readme: true });
    const reader = generateSshKeyPair();
    const writer = generateSshKeyPair();
    const stranger = generateSshKeyPair();
    const path = `/projects/${project.id}/deploy_keys`;
    await api('POST', path, 'alice-token', { title: 'reader', key: reader.public, can_push: false });
    await api('POST', path, 'alice-token', { title: 'writer', key: writer.public, can_push: true });
    const dir = tempDir('ferry-gitlab-ssh-');
    try {
      writeFileSync(join(dir.path, 'known_hosts'), gitlab.sshKnownHosts);
      const sshAs = (key: string, name: string) => {
        const file = join(dir.path, name);
        writeFileSync(file, key, { mode: 0o600 });
        return { ...process.env, GIT_TERMINAL_PROMPT: '0', HOME: dir.path, GIT_SSH_COMMAND: `ssh -i ${file} -o IdentitiesOnly=yes -o UserKnownHostsFile=${join(dir.path, 'known_hosts')} -o StrictHostKeyChecking=yes` };
      };
      const url = `ssh://git@${gitlab.sshHost}/${project.pathWithNamespace}`;
      const work = join(dir.path, 'work');
      await exec('git', ['clone', '-q', url, work], { env: sshAs(reader.private, 'reader') });
      await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'by ssh'], { cwd: work });
      await expect(exec('git', ['push', '-q', 'origin', 'main'], { cwd: work, env: sshAs(reader.private, 'reader') })).rejects.toThrow();
      await exec('git', ['push', '-q', 'origin', 'main'], { cwd: work, env: sshAs(writer.private, 'writer') });
      const head = (await exec('git', ['rev-parse', 'main'], { cwd: project.repo.barePath })).stdout.trim();
      expect((await exec('git', ['rev-parse', 'HEAD'], { cwd: work })).stdout.trim()).toBe(head);
      await expect(exec('git', ['ls-remote', url], { env: sshAs(stranger.private, 'stranger') })).rejects.toThrow(/Permission denied/);
    } finally {
      dir.remove();
    }
  });
});
