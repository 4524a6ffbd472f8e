import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { RepositoryFile } from './bootstrap-manifests';

const exec = promisify(execFile);

/** How git authenticates to the remote: HTTP basic credentials or an SSH private key. */
export type GitAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'ssh'; privateKey: string; knownHosts?: string };

/** Who commits. */
export interface GitAuthor {
  name: string;
  email: string;
}

/** A clone of one branch in a temporary directory, worked with the real `git` CLI. */
export class GitWorkspace {
  private constructor(
    private readonly dir: string,
    private readonly url: string,
    readonly branch: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Clones `branch` of `url` (an empty repository or a missing branch gives an orphan branch to commit on).
   * Credentials go through the environment, never the command line or the remote URL.
   */
  static async clone(url: string, branch: string, auth: GitAuth): Promise<GitWorkspace> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-bootstrap-'));
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: dir, GIT_CONFIG_COUNT: '0' };
    if (auth.kind === 'basic') {
      const header = `Authorization: Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: header });
    }
    if (auth.kind === 'ssh') {
      const keyFile = join(dir, '.identity');
      writeFileSync(keyFile, auth.privateKey.endsWith('\n') ? auth.privateKey : `${auth.privateKey}\n`, { mode: 0o600 });
      const knownHosts = join(dir, '.known_hosts');
      writeFileSync(knownHosts, auth.knownHosts ?? '');
      const checking = auth.knownHosts ? 'yes' : 'accept-new';
      env['GIT_SSH_COMMAND'] = `ssh -i ${keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=${checking}`;
    }
    const workspace = new GitWorkspace(join(dir, 'repo'), url, branch, env);
    mkdirSync(workspace.dir);
    try {
      await workspace.git(['init', '-q']);
      await workspace.git(['remote', 'add', 'origin', url]);
      const heads = await workspace.git(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`]);
      if (heads) {
        await workspace.git(['fetch', '-q', '--depth', '1', 'origin', `refs/heads/${branch}:refs/remotes/origin/${branch}`]);
        await workspace.git(['checkout', '-q', '-b', branch, `origin/${branch}`]);
      } else {
        await workspace.git(['checkout', '-q', '--orphan', branch]);
      }
    } catch (error) {
      workspace.remove();
      throw error;
    }
    return workspace;
  }

  /** Writes files and commits them; returns the new commit sha, or undefined when nothing changed. */
  async commit(files: RepositoryFile[], message: string, author: GitAuthor): Promise<string | undefined> {
    for (const file of files) {
      const target = join(this.dir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
      if (current !== file.content) writeFileSync(target, file.content);
    }
    await this.git(['add', '--', ...files.map((file) => file.path)]);
    const changed = await this.git(['diff', '--cached', '--name-only']);
    if (!changed) return undefined;
    await this.git(['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message]);
    return this.git(['rev-parse', 'HEAD']);
  }

  /** Pushes the branch to the remote. */
  async push(): Promise<void> {
    await this.git(['push', '-q', 'origin', `HEAD:refs/heads/${this.branch}`]);
  }

  /** Deletes the clone (and the key file it held). */
  remove(): void {
    rmSync(dirname(this.dir), { recursive: true, force: true });
  }

  private async git(args: string[]): Promise<string> {
    try {
      const { stdout } = await exec('git', args, { cwd: this.dir, env: this.env, maxBuffer: 64 * 1024 * 1024 });
      return stdout.trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      // git echoes the remote URL in its errors: strip any userinfo before it reaches a ✗ line.
      const reason = stderr.trim().split('\n').filter(Boolean).pop() ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`git ${args[0] ?? ''} ${redactUrl(this.url)} failed: ${redactUserinfo(reason)}`);
    }
  }
}

/** A URL with its userinfo removed, fit to print. */
export function redactUrl(url: string): string {
  return redactUserinfo(url);
}

function redactUserinfo(text: string): string {
  return text.replace(/(https?:\/\/)[^/@\s]+@/g, '$1');
}
