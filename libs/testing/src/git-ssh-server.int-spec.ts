import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServer } from './git-server';
import { GitSshServer, generateSshKeyPair } from './git-ssh-server';
import { tempDir } from './real-services';

const exec = promisify(execFile);

describe('GitSshServer', () => {
  const dir = tempDir();
  const key = generateSshKeyPair();
  let git: GitServer;
  let ssh: GitSshServer;

  beforeAll(async () => {
    git = await GitServer.start();
    ssh = await GitSshServer.start(git.reposPath, key.public);
  });

  afterAll(async () => {
    await ssh.stop();
    await git.stop();
    dir.remove();
  });

  function sshCommand(identity: string): string {
    const keyFile = join(dir.path, `id-${Math.random().toString(16).slice(2)}`);
    writeFileSync(keyFile, identity);
    chmodSync(keyFile, 0o600);
    const knownHosts = join(dir.path, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHosts}\n`);
    return `ssh -i ${keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  }

  it('serves git clone over SSH to the authorized key, checked against known_hosts', async () => {
    const repo = await git.createRepo('ssh.git');
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    const target = join(dir.path, 'clone');
    await exec('git', ['clone', '-q', `${ssh.url}/ssh.git`, target], { env: { ...process.env, GIT_SSH_COMMAND: sshCommand(key.private) } });
    expect(readFileSync(join(target, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(ssh.sessions.at(-1)).toBeGreaterThan(0);
  });

  it('refuses another key', async () => {
    const other = generateSshKeyPair();
    await expect(
      exec('git', ['ls-remote', `${ssh.url}/ssh.git`], { env: { ...process.env, GIT_SSH_COMMAND: sshCommand(other.private) } }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('Permission denied') });
  });
});
