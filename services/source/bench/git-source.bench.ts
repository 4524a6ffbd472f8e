import { execFile, spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServer, tempDir } from '@ferry/testing';
import { fetchAndArchive, listRemoteRefs } from '../src/infra/git-operations';
import { WorkerGitArchiver } from '../src/infra/worker-git-archiver';

/*
 * Source bench on the issue's repository, generated deterministically with real git (fast-import) on each run:
 * 2,000 files, 50 MB of not trivially compressible YAML at the tip, 500 commits. Served by the loopback
 * git http-backend. Measures the first artifact (fetch + reproducible tar.gz, on the worker thread) against
 * `git clone --depth 1` + `tar czf` in the same run (alternated, RUNS times each, medians and ratio), the
 * no-change poll (one ls-refs) and an incremental one-file change, bytes from the server for each, and the
 * peak RSS of the process (workers included).
 */
const FILES = Number(process.env['BENCH_FILES'] ?? 2000);
const TOTAL_BYTES = Number(process.env['BENCH_BYTES'] ?? 50 * 1024 * 1024);
const COMMITS = Number(process.env['BENCH_COMMITS'] ?? 500);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const exec = promisify(execFile);

/** A deterministic pseudo-random byte stream (AES-CTR over zeros with a fixed key), fast enough for 50 MB. */
function randomStream(): (size: number) => Buffer {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  return (size) => cipher.update(Buffer.alloc(size));
}

// Every data line is `  k00000: ` + 76 base64 characters + newline.
const PREFIX = 10;
const LINE = 76;
const LINE_BYTES = PREFIX + LINE + 1;

/** A ConfigMap of about `size` bytes whose data lines are base64 of random bytes (compresses to ~75 %). */
function configMap(i: number, size: number, random: (size: number) => Buffer): Buffer {
  const head = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: bench\ndata:\n`;
  const lines = Math.max(1, Math.floor((size - head.length) / LINE_BYTES));
  const body: string[] = [];
  for (let line = 0; line < lines; line++) body.push(`  k${String(line).padStart(5, '0')}: ${random((LINE / 4) * 3).toString('base64')}\n`);
  return Buffer.from(head + body.join(''));
}

/** Replaces one data line's value (same length), as an edit of a real manifest would. */
function edit(file: Buffer, seed: number, random: (size: number) => Buffer): Buffer {
  const copy = Buffer.from(file);
  const body = copy.indexOf('\ndata:\n') + '\ndata:\n'.length;
  const lines = (copy.length - body) / LINE_BYTES;
  copy.write(random((LINE / 4) * 3).toString('base64'), body + (seed % lines) * LINE_BYTES + PREFIX, LINE, 'latin1');
  return copy;
}

// Commits of one fast-import session chain on the branch; a later session names its parent (`from`).
function fastImportCommit(parts: Buffer[], n: number, parent: boolean, changes: Array<[string, Buffer]>): void {
  const message = `commit ${n}\n`;
  parts.push(Buffer.from(`commit refs/heads/main\ncommitter Ferry Bench <bench@ferry.invalid> ${1767225600 + n * 60} +0000\ndata ${message.length}\n${message}${parent ? 'from refs/heads/main^0\n' : ''}`));
  for (const [path, data] of changes) parts.push(Buffer.from(`M 100644 inline ${path}\ndata ${data.length}\n`), data, Buffer.from('\n'));
  parts.push(Buffer.from('\n'));
}

async function fastImport(barePath: string, parts: Buffer[]): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: barePath, stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`)))));
  for (const part of parts) if (!child.stdin.write(part)) await new Promise((resolve) => child.stdin.once('drain', resolve));
  child.stdin.end();
  await exited;
}

/**
 * Builds the bench history in the bare repository. Runs in a child process (see the end of this file), so
 * the 100 MB it handles do not count in the peak RSS measured for the source's own work.
 */
async function generate(barePath: string): Promise<void> {
  const random = randomStream();
  const files = new Map<string, Buffer>();
  const sizes = random(FILES * 2);
  // Sizes spread ±50 % around the mean, scaled so the tip holds TOTAL_BYTES.
  const weights = Array.from({ length: FILES }, (_, i) => 0.5 + sizes.readUInt16BE(i * 2) / 65535);
  const sum = weights.reduce((a, b) => a + b, 0);
  weights.forEach((weight, i) => files.set(`apps/app-${i % 50}/cm-${i}.yaml`, configMap(i, Math.round((weight / sum) * TOTAL_BYTES), random)));
  const parts: Buffer[] = [];
  fastImportCommit(parts, 1, false, [...files]);
  const paths = [...files.keys()];
  for (let n = 2; n <= COMMITS; n++) {
    const changes: Array<[string, Buffer]> = [];
    for (let k = 0; k < 4; k++) {
      const path = paths[(n * 37 + k * 503) % paths.length] as string;
      const changed = edit(files.get(path) as Buffer, n + k, random);
      files.set(path, changed);
      changes.push([path, changed]);
    }
    fastImportCommit(parts, n, false, changes);
  }
  await fastImport(barePath, parts);
  await exec('git', ['repack', '-a', '-d', '-q'], { cwd: barePath });
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

/** Waits until the server has recorded every request: it does so when a CGI exits, after the client has its answer. */
async function settled(server: GitServer): Promise<void> {
  let count = -1;
  while (count !== server.requests.length) {
    count = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const startRss = process.memoryUsage().rss;
  const dir = tempDir('ferry-source-bench-');
  const server = await GitServer.start();
  const archiver = new WorkerGitArchiver();
  try {
    const repo = await server.createRepo('bench.git');
    const generation = await timed(() => exec(process.execPath, [...process.execArgv, __filename, 'generate', repo.barePath], { maxBuffer: 1 << 20 }));
    const commit = (await exec('git', ['rev-parse', 'refs/heads/main'], { cwd: repo.barePath })).stdout.trim();
    const tree = (await exec('git', ['ls-tree', '-r', '-l', 'refs/heads/main'], { cwd: repo.barePath, maxBuffer: 1 << 24 })).stdout.trim().split('\n');
    const tipBytes = tree.reduce((total, line) => total + Number(line.split(/\s+/)[3]), 0);
    const remote = { url: repo.url, auth: {}, timeoutMs: 300_000 };
    const limits = { maxFiles: 1_000_000, maxBytes: 1 << 30 };

    // Warm the worker (thread start and module load are one-off costs of the service, not of a reconcile).
    const warm = await server.createRepo('warm.git');
    const warmCommit = await warm.commit({ 'a.yaml': 'a: 1\n' });
    await archiver.archive({ remote: { ...remote, url: warm.url }, mirrorDir: join(dir.path, 'warm'), fetchRef: 'refs/heads/main', commit: warmCommit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'warm.tar.gz'), limits });

    const warmRss = process.resourceUsage().maxRSS;
    const ours: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    let firstBytes = 0;
    let firstNote = '';
    const mirrorDir = join(dir.path, 'mirror');
    for (let run = 0; run < RUNS; run++) {
      rmSync(mirrorDir, { recursive: true, force: true });
      server.resetCounters();
      const first = await timed(() =>
        archiver.archive({ remote, mirrorDir, fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile: join(dir.path, 'first.tar.gz'), limits }),
      );
      firstBytes = server.bytesSent();
      firstNote = `${first.value.files} files, artifact ${first.value.size} B`;
      const baselineDir = join(dir.path, `baseline-${run}`);
      const baseline = await timed(async () => {
        await exec('git', ['clone', '-q', '--depth', '1', repo.url, baselineDir]);
        await exec('tar', ['czf', join(dir.path, 'baseline.tar.gz'), '--exclude', '.git', '-C', baselineDir, '.']);
      });
      rmSync(baselineDir, { recursive: true, force: true });
      ours.push(first.ms);
      theirs.push(baseline.ms);
      ratios.push(first.ms / baseline.ms);
    }

    await settled(server);
    server.resetCounters();
    const poll = await timed(() => listRemoteRefs(remote, 'refs/heads/main'));
    await settled(server);
    const pollBytes = server.bytesSent();
    const pollRequests = server.requests.length;

    const parts: Buffer[] = [];
    const path = 'apps/app-0/cm-0.yaml';
    const tip = (await exec('git', ['cat-file', 'blob', `refs/heads/main:${path}`], { cwd: repo.barePath, encoding: 'buffer', maxBuffer: 1 << 24 })).stdout;
    fastImportCommit(parts, COMMITS + 1, true, [[path, edit(tip, 1, randomStream())]]);
    await fastImport(repo.barePath, parts);
    const next = (await exec('git', ['rev-parse', 'refs/heads/main'], { cwd: repo.barePath })).stdout.trim();
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
      [`first artifact (worker: fetch + tar.gz), median of ${RUNS}`, median(ours), firstBytes, firstNote],
      [`baseline: git clone --depth 1 + tar czf, median of ${RUNS}`, median(theirs), NaN, ''],
      ['no-change poll (ls-refs)', poll.ms, pollBytes, `${poll.value.refs.length} ref, ${pollRequests} request(s), ${poll.value.bytesReceived} B received`],
      ['one-file change (incremental fetch + tar.gz)', incremental.ms, incrementalBytes, `${incremental.value.bytesReceived} B received`],
      ['first artifact in-process (no worker)', inProcess.ms, NaN, ''],
    ] as const;
    process.stdout.write(`source bench: ${tree.length} files, ${(tipBytes / 1024 / 1024).toFixed(1)} MiB at the tip, ${COMMITS} commits (generated in ${(generation.ms / 1000).toFixed(1)} s)\n`);
    for (const [name, ms, bytes, note] of rows) {
      process.stdout.write(`  ${name.padEnd(56)} ${ms.toFixed(0).padStart(7)} ms  ${Number.isNaN(bytes) ? ''.padStart(12) : `${bytes} B`.padStart(12)}  ${note}\n`);
    }
    process.stdout.write(`  runs (ours / git ms): ${ours.map((ms, i) => `${ms.toFixed(0)}/${(theirs[i] as number).toFixed(0)}`).join(', ')}\n`);
    process.stdout.write(`  ratio first artifact / baseline: median ${median(ratios).toFixed(2)} (per run: ${ratios.map((r) => r.toFixed(2)).join(', ')})\n`);
    process.stdout.write(`  peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (${(startRss / 1024 / 1024).toFixed(0)} MiB at start, ${(warmRss / 1024).toFixed(0)} MiB with the worker warm)\n`);
    process.stdout.write(`  load average: ${loadavg().map((load) => load.toFixed(2)).join(' ')}\n`);
  } finally {
    await archiver.close();
    await server.stop();
    dir.remove();
  }
}

(process.argv[2] === 'generate' ? generate(process.argv[3] as string) : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
