import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServer, tempDir } from '@ferry/testing';
import { fetchAndArchive, listRemoteRefs } from '../src/infra/git-operations';
import { WorkerGitArchiver } from '../src/infra/worker-git-archiver';

/*
 * Source bench on a generated repository served by the loopback git http-backend: the first artifact
 * (shallow fetch + reproducible tar.gz, on the worker thread) against `git clone --depth 1` + `tar czf`;
 * the no-change poll (one ls-refs) and an incremental one-file change; bytes from the server for each;
 * peak RSS of the process (workers included).
 */
const FILES = Number(process.env['BENCH_FILES'] ?? 3000);
const exec = promisify(execFile);

function manifest(i: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: bench\ndata:\n  blob: ${randomBytes(600).toString('base64')}\n`;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

async function main(): Promise<void> {
  const startRss = process.memoryUsage().rss;
  const dir = tempDir('ferry-source-bench-');
  const server = await GitServer.start();
  const archiver = new WorkerGitArchiver();
  try {
    const repo = await server.createRepo('bench.git');
    const files: Record<string, string> = {};
    for (let i = 0; i < FILES; i++) files[`apps/app-${i % 50}/cm-${i}.yaml`] = manifest(i);
    const commit = await repo.commit(files);
    const remote = { url: repo.url, auth: {}, timeoutMs: 120_000 };
    const limits = { maxFiles: 1_000_000, maxBytes: 1 << 30 };
    const mirrorDir = join(dir.path, 'mirror');

    // Warm the worker (thread start and module load are one-off costs of the service, not of a reconcile).
    const warm = await server.createRepo('warm.git');
    const warmCommit = await warm.commit({ 'a.yaml': 'a: 1\n' });
    await archiver.archive({ remote: { ...remote, url: warm.url }, mirrorDir: join(dir.path, 'warm'), fetchRef: 'refs/heads/main', commit: warmCommit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'warm.tar.gz'), limits });

    server.resetCounters();
    const first = await timed(() =>
      archiver.archive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'first.tar.gz'), limits }),
    );
    const firstBytes = server.bytesSent();

    const baselineDir = join(dir.path, 'baseline');
    const baseline = await timed(async () => {
      await exec('git', ['clone', '-q', '--depth', '1', repo.url, baselineDir]);
      await exec('tar', ['czf', join(dir.path, 'baseline.tar.gz'), '--exclude', '.git', '-C', baselineDir, '.']);
    });

    server.resetCounters();
    const poll = await timed(() => listRemoteRefs(remote, 'refs/heads/main'));
    const pollBytes = server.bytesSent();

    const next = await repo.commit({ 'apps/app-0/cm-0.yaml': manifest(-1) });
    server.resetCounters();
    const incremental = await timed(() =>
      archiver.archive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit: next, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'next.tar.gz'), limits }),
    );
    const incrementalBytes = server.bytesSent();

    // The same work in-process, to show what the worker keeps off the event loop.
    const inProcess = await timed(() =>
      fetchAndArchive({ remote, mirrorDir: join(dir.path, 'mirror2'), fetchRef: 'refs/heads/main', commit: next, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'inproc.tar.gz'), limits }),
    );

    const rows = [
      ['first artifact (worker: shallow fetch + tar.gz)', first.ms, firstBytes, `${first.value.files} files, ${first.value.size} bytes`],
      ['baseline: git clone --depth 1 + tar czf', baseline.ms, NaN, ''],
      ['no-change poll (ls-refs)', poll.ms, pollBytes, `${poll.value.refs.length} ref`],
      ['one-file change (incremental fetch + tar.gz)', incremental.ms, incrementalBytes, `${incremental.value.bytesReceived} bytes received`],
      ['first artifact in-process (no worker)', inProcess.ms, NaN, ''],
    ] as const;
    process.stdout.write(`source bench: ${FILES} files\n`);
    for (const [name, ms, bytes, note] of rows) {
      process.stdout.write(`  ${name.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${Number.isNaN(bytes) ? ''.padStart(12) : `${bytes} B`.padStart(12)}  ${note}\n`);
    }
    process.stdout.write(`  ratio first artifact / baseline: ${(first.ms / baseline.ms).toFixed(2)}\n`);
    process.stdout.write(`  ratio no-change poll / baseline: ${(poll.ms / baseline.ms).toFixed(4)}\n`);
    process.stdout.write(`  peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (${(startRss / 1024 / 1024).toFixed(0)} MiB at start)\n`);
  } finally {
    await archiver.close();
    await server.stop();
    dir.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
