import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServer } from './git-server';
import { tempDir } from './real-services';

const exec = promisify(execFile);

describe('GitServer', () => {
  let server: GitServer;
  const dir = tempDir();

  beforeAll(async () => {
    server = await GitServer.start({ basic: { username: 'flux', password: 's3cret' }, bearerToken: 'tok-123' });
  });

  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it('serves commits and tags over smart HTTP with basic auth and counts bytes', async () => {
    const repo = await server.createRepo('app.git');
    const first = await repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n' });
    const tagged = await repo.tag('v1.0.0', { message: 'release' });
    expect(tagged).toBe(first);
    const authed = repo.url.replace('http://', 'http://flux:s3cret@');
    await exec('git', ['clone', '-q', authed, join(dir.path, 'clone')]);
    expect(readFileSync(join(dir.path, 'clone', 'deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    const { stdout } = await exec('git', ['ls-remote', authed]);
    expect(stdout).toContain(`${first}\trefs/heads/main`);
    expect(stdout).toContain('refs/tags/v1.0.0^{}');
    expect(server.bytesSent()).toBeGreaterThan(0);
    expect(server.requests.some((r) => r.path.includes('git-upload-pack') && r.status === 200)).toBe(true);
  });

  it('refuses requests without valid credentials and accepts a bearer token', async () => {
    await server.createRepo('private.git');
    const denied = await fetch(`${server.url}/private.git/info/refs?service=git-upload-pack`);
    expect(denied.status).toBe(401);
    const wrong = await fetch(`${server.url}/private.git/info/refs?service=git-upload-pack`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${server.url}/private.git/info/refs?service=git-upload-pack`, { headers: { Authorization: 'Bearer tok-123' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
  });
});
