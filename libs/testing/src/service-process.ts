import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The workspace root, for spawning entry points with `node -r @swc-node/register`. */
export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/** A service started in its own process, as it runs in production. */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote to stdout (JSON logs). */
  lines: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a TypeScript entry point (path relative to the workspace root) and resolves once it logs
 * "listening on <url>"; rejects with its output if it exits first or takes longer than `timeoutMs`.
 */
export function startServiceProcess(entry: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, entry)], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`));
    }, timeoutMs);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const match = /listening on (http:\/\/[^\s"]+)/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve({ url: match[1], child, lines, stop });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before listening:\n${lines.join('\n')}\n${stderr}`));
    });
  });
}
