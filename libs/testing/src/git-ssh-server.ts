import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { Server, utils, type Connection } from 'ssh2';

/** A key pair in OpenSSH format, as a GitRepository's Secret carries it (`identity`, `identity.pub`). */
export interface SshKeyPair {
  private: string;
  public: string;
}

/** A fresh ed25519 key pair. */
export function generateSshKeyPair(): SshKeyPair {
  const pair = utils.generateKeyPairSync('ed25519');
  return { private: pair.private, public: pair.public };
}

/**
 * A loopback SSH front end for a GitServer's repositories: ssh2's server accepting one public key and
 * running the real `git upload-pack` for `git-upload-pack '<repo>'` exec requests (read-only). Records
 * the bytes sent per session.
 */
export class GitSshServer {
  /** Bytes sent to clients, per exec session, in order. */
  readonly sessions: number[] = [];

  private constructor(
    private readonly server: Server,
    /** `ssh://git@127.0.0.1:<port>` */
    readonly url: string,
    /** The host key as a known_hosts line. */
    readonly knownHosts: string,
  ) {}

  /**
   * Starts on 127.0.0.1 and a random port, serving the bare repositories under `reposPath`; `acceptGitProtocol`
   * false refuses a client's GIT_PROTOCOL (protocol v2) as an sshd without `AcceptEnv GIT_PROTOCOL` does.
   */
  static async start(reposPath: string, authorizedKey: string, options: { acceptGitProtocol?: boolean } = {}): Promise<GitSshServer> {
    const acceptGitProtocol = options.acceptGitProtocol ?? true;
    const hostKey = generateSshKeyPair();
    const allowed = utils.parseKey(authorizedKey);
    if (allowed instanceof Error) throw allowed;
    const holder: { server?: GitSshServer } = {};
    const server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
      client.on('authentication', (context) => {
        if (context.method !== 'publickey') return context.reject(['publickey']);
        const wanted = allowed.getPublicSSH();
        const given = context.key.data;
        const matches = context.key.algo === allowed.type && given.length === wanted.length && timingSafeEqual(given, wanted);
        if (!matches) return context.reject(['publickey']);
        if (context.signature && context.blob && !allowed.verify(context.blob, context.signature, context.hashAlgo)) return context.reject(['publickey']);
        context.accept();
      });
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          // Like an OpenSSH server with `AcceptEnv GIT_PROTOCOL` (as Git hosts run it), clients may ask for
          // protocol v2; with acceptGitProtocol false, like one without it: upload-pack answers in v0.
          let protocol: string | undefined;
          session.on('env', (acceptEnv, rejectEnv, info) => {
            if (info.key !== 'GIT_PROTOCOL' || !acceptGitProtocol) return rejectEnv?.();
            protocol = info.val;
            acceptEnv?.();
          });
          session.on('exec', (acceptExec, rejectExec, info) => {
            const match = /^git[- ]upload-pack '?\/?([^']+?)'?$/.exec(info.command);
            const repo = match?.[1] ? normalize(match[1]) : undefined;
            if (!repo || repo.startsWith('..')) return rejectExec();
            const stream = acceptExec();
            const child = spawn('git', ['upload-pack', join(reposPath, repo)], {
              env: { PATH: process.env['PATH'], GIT_CONFIG_NOSYSTEM: '1', HOME: reposPath, ...(protocol ? { GIT_PROTOCOL: protocol } : {}) },
            });
            let sent = 0;
            child.stdout.on('data', (chunk: Buffer) => {
              sent += chunk.length;
              stream.write(chunk);
            });
            child.stderr.on('data', (chunk: Buffer) => stream.stderr.write(chunk));
            stream.pipe(child.stdin).on('error', () => undefined);
            child.on('close', (code) => {
              holder.server?.sessions.push(sent);
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
    holder.server = new GitSshServer(server, `ssh://git@127.0.0.1:${port}`, `[127.0.0.1]:${port} ${publicHost}`);
    return holder.server;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
