import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse, stringify } from 'yaml';
import { tempDir } from './real-services';

/** A chart's files, keyed by their path below the chart directory (`Chart.yaml`, `templates/deployment.yaml` …). */
export type ChartFiles = Record<string, string | Buffer>;

/** A chart version the server publishes. */
export interface PublishedChart {
  name: string;
  version: string;
  appVersion: string | undefined;
  /** The `.tgz` file name below the repository root (`<name>-<version>.tgz`). */
  file: string;
  /** sha256 hex of the `.tgz`, as Helm's index.yaml writes it (no `sha256:` prefix). */
  digest: string;
  created: string;
}

/** One request the server answered. */
export interface HelmRequestRecord {
  method: string;
  path: string;
  status: number;
  /** Whether an Authorization header came with it. */
  authorized: boolean;
}

/** Options of a HelmRepositoryServer. */
export interface HelmRepositoryServerOptions {
  /** Basic auth every request must carry. */
  basic?: { username: string; password: string };
  /** Serve HTTPS with this key pair (see `selfSignedCertificate()`). */
  tls?: { key: string; cert: string };
  /** Write absolute chart URLs into index.yaml (Helm's `--url`); relative `<name>-<version>.tgz` by default. */
  absoluteUrls?: boolean;
  /** Send an ETag with index.yaml and answer a matching If-None-Match with 304 (GitHub Pages and most CDNs do). */
  etag?: boolean;
  /** Listen on this port (`npm start` uses a fixed one); a random free port by default. */
  port?: number;
}

/**
 * A loopback Helm chart repository for tests: charts packaged as `<name>-<version>.tgz` (gzipped tar with a
 * `<name>/` prefix, made with GNU tar), an `index.yaml` (apiVersion v1) regenerated on every publish, optional
 * basic auth and TLS, and a record of every request.
 */
export class HelmRepositoryServer {
  /** Every request answered, in order. */
  readonly requests: HelmRequestRecord[] = [];
  private readonly charts: PublishedChart[] = [];
  /** Overrides index.yaml's body (to serve something that is not a Helm index). */
  private indexOverride: string | undefined;

  private constructor(
    private readonly server: Server,
    private readonly root: { path: string; remove: () => void },
    /** Base URL of the repository, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    private readonly options: HelmRepositoryServerOptions,
  ) {}

  /** Starts a server on 127.0.0.1 and `options.port` (default: a random port). */
  static async start(options: HelmRepositoryServerOptions = {}): Promise<HelmRepositoryServer> {
    const root = tempDir('ferry-helm-');
    const holder: { server?: HelmRepositoryServer } = {};
    const listener = (request: IncomingMessage, response: ServerResponse) => holder.server?.handle(request, response);
    const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    holder.server = new HelmRepositoryServer(server, root, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, options);
    return holder.server;
  }

  /**
   * Packages a chart (a file map or a chart directory) and adds it to index.yaml; name and version come
   * from its Chart.yaml. Publishing the same name and version again replaces it.
   */
  publish(chart: ChartFiles | string, created = new Date()): PublishedChart {
    const files = typeof chart === 'string' ? readChartDirectory(chart) : chart;
    const metadata = chartMetadata(files);
    const file = `${metadata.name}-${metadata.version}.tgz`;
    const archive = packageChart(metadata.name, files);
    writeFileSync(join(this.root.path, file), archive);
    const published: PublishedChart = {
      ...metadata,
      file,
      digest: createHash('sha256').update(archive).digest('hex'),
      created: created.toISOString(),
    };
    const existing = this.charts.findIndex((c) => c.name === published.name && c.version === published.version);
    if (existing >= 0) this.charts.splice(existing, 1, published);
    else this.charts.push(published);
    return published;
  }

  /** The packaged `.tgz` of a published chart. */
  archive(chart: Pick<PublishedChart, 'file'>): Buffer {
    return readFileSync(join(this.root.path, chart.file));
  }

  /** index.yaml as served: entries per chart name, newest version first, like `helm repo index`. */
  index(): string {
    if (this.indexOverride !== undefined) return this.indexOverride;
    const entries: Record<string, unknown[]> = {};
    const sorted = [...this.charts].sort((a, b) => b.created.localeCompare(a.created));
    for (const chart of sorted) {
      (entries[chart.name] ??= []).push({
        apiVersion: 'v2',
        name: chart.name,
        version: chart.version,
        ...(chart.appVersion !== undefined ? { appVersion: chart.appVersion } : {}),
        created: chart.created,
        digest: chart.digest,
        urls: [this.options.absoluteUrls ? `${this.url}/${chart.file}` : chart.file],
      });
    }
    return stringify({ apiVersion: 'v1', entries, generated: new Date(0).toISOString() });
  }

  /** Serves `body` as index.yaml instead of the real index (undefined: back to the real one). */
  overrideIndex(body: string | undefined): void {
    this.indexOverride = body;
  }

  /** Requests whose path is `path` (all when omitted). */
  requestCount(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }

  /** Stops the server and removes the packaged charts. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.root.remove();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const header = request.headers.authorization;
    const answer = (status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
      this.requests.push({ method: request.method ?? 'GET', path, status, authorized: header !== undefined });
      response.writeHead(status, { 'Content-Type': type, ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="ferry-helm"' } : {}), ...headers }).end(body);
    };
    const { basic } = this.options;
    if (basic && header !== `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`) {
      answer(401, 'authentication required\n', 'text/plain');
      return;
    }
    if (request.method !== 'GET') answer(405, 'method not allowed\n', 'text/plain');
    else if (path === '/index.yaml') {
      const index = this.index();
      const etag = `"${createHash('sha256').update(index).digest('hex')}"`;
      if (this.options.etag && request.headers['if-none-match'] === etag) answer(304, '', 'application/x-yaml', { ETag: etag });
      else answer(200, index, 'application/x-yaml', this.options.etag ? { ETag: etag } : {});
    }
    else {
      const chart = this.charts.find((c) => `/${c.file}` === path);
      if (chart) answer(200, this.archive(chart), 'application/gzip');
      else answer(404, 'not found\n', 'text/plain');
    }
  }
}

/** The files of a chart directory, keyed by their path below it. */
export function readChartDirectory(dir: string): ChartFiles {
  const files: ChartFiles = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path).split('\\').join('/')] = readFileSync(path);
    }
  };
  walk(dir);
  return files;
}

/** Name, version and appVersion of a chart's Chart.yaml; throws when it lacks a string name or version. */
export function chartMetadata(files: ChartFiles): { name: string; version: string; appVersion: string | undefined } {
  const raw = files['Chart.yaml'];
  if (raw === undefined) throw new Error('chart has no Chart.yaml');
  const chart = parse(raw.toString()) as { name?: unknown; version?: unknown; appVersion?: unknown } | null;
  if (typeof chart?.name !== 'string' || typeof chart.version !== 'string') throw new Error('Chart.yaml needs a string name and version');
  return { name: chart.name, version: chart.version, appVersion: chart.appVersion === undefined ? undefined : String(chart.appVersion) };
}

/** `helm package`'s layout: a gzipped tar whose entries all sit below `<name>/`. */
export function packageChart(name: string, files: ChartFiles): Buffer {
  const dir = tempDir('ferry-chart-');
  try {
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir.path, name, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const tar = execFileSync('tar', ['-C', dir.path, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', name], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return gzipSync(tar);
  } finally {
    dir.remove();
  }
}
