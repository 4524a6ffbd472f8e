import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { chartMetadata, packageChart, readChartDirectory, type ChartFiles } from './helm-repository-server';

/** Helm's media types for a chart stored in an OCI registry (helm.sh/helm/v3/pkg/registry). */
export const HELM_OCI_MEDIA_TYPES = {
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
} as const;

/** A chart version pushed to the registry. */
export interface PushedChart {
  /** Repository name below the registry, e.g. `charts/podinfo`. */
  repository: string;
  name: string;
  version: string;
  /** The tag: the version with `+` replaced by `_`, as Helm pushes it. */
  tag: string;
  /** The packaged `.tgz` (the chart layer). */
  archive: Buffer;
  /** `sha256:<hex>` of the chart layer. */
  layerDigest: string;
  /** `sha256:<hex>` of the manifest. */
  manifestDigest: string;
}

/** One request the registry answered. */
export interface OciRequestRecord {
  method: string;
  path: string;
  status: number;
  /** Whether an Authorization header came with it. */
  authorized: boolean;
}

/** Options of an OciRegistryServer. */
export interface OciRegistryServerOptions {
  /** Basic auth every request must carry (with `token`: the token request). */
  basic?: { username: string; password: string };
  /**
   * The token flow of Docker Hub and ghcr.io: the API answers 401 with `WWW-Authenticate: Bearer realm=<url>/token,
   * service, scope` and accepts only `Authorization: Bearer <token>`; `GET /token` hands out tokens (checking `basic`).
   */
  token?: boolean;
  /**
   * Answer blob GETs with a 307 to `http://localhost:<port>/storage/<digest>` (another host name, no auth), as
   * registries send downloads to object storage.
   */
  redirectBlobs?: boolean;
}

/** Repository names as the distribution spec allows them (lower-case path components). */
const NAME = '[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*';
const ROUTES = {
  tags: new RegExp(`^/v2/(${NAME})/tags/list$`),
  manifest: new RegExp(`^/v2/(${NAME})/manifests/([^/]+)$`),
  blob: new RegExp(`^/v2/(${NAME})/blobs/(sha256:[0-9a-f]{64})$`),
};

/**
 * A loopback OCI distribution registry for tests (plain HTTP on 127.0.0.1): `GET /v2/`, tag lists, manifests
 * by tag or digest (GET and HEAD) and blobs, with optional basic auth answered the way registries do (401 with
 * `WWW-Authenticate: Basic realm=…`) or the Bearer token flow. `pushChart` stores a chart as Helm does (`helm push`): a config blob
 * (Chart.yaml as JSON), one chart layer and an OCI image manifest tagged with the chart version.
 */
export class OciRegistryServer {
  /** Every request answered, in order. */
  readonly requests: OciRequestRecord[] = [];
  private readonly blobs = new Map<string, Buffer>();
  /** Manifests by `<repository>@<digest>`, and tags by `<repository>:<tag>` → digest. */
  private readonly manifests = new Map<string, Buffer>();
  private readonly tags = new Map<string, Map<string, string>>();
  /** Tokens handed out by `/token`. */
  private readonly tokens = new Set<string>();

  private constructor(
    private readonly server: Server,
    /** `127.0.0.1:<port>`: the host of `oci://` URLs. */
    readonly host: string,
    private readonly options: OciRegistryServerOptions,
  ) {}

  /** Starts a registry on 127.0.0.1 and a random port. */
  static async start(options: OciRegistryServerOptions = {}): Promise<OciRegistryServer> {
    const holder: { server?: OciRegistryServer } = {};
    const server = createServer((request, response) => holder.server?.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    holder.server = new OciRegistryServer(server, `127.0.0.1:${port}`, options);
    return holder.server;
  }

  /** `oci://<host>/<path>`: the URL of a HelmRepository of type oci whose charts live below `path`. */
  url(path: string): string {
    return `oci://${this.host}/${path}`;
  }

  /**
   * Packages a chart (a file map or a chart directory) and pushes it to `<namespace>/<chart name>`, tagged
   * with its version; pushing the same version again moves the tag.
   */
  pushChart(namespace: string, chart: ChartFiles | string): PushedChart {
    const files = typeof chart === 'string' ? readChartDirectory(chart) : chart;
    const metadata = chartMetadata(files);
    const archive = packageChart(metadata.name, files);
    const config = Buffer.from(JSON.stringify(parse(String(files['Chart.yaml']))));
    const layerDigest = this.putBlob(archive);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: HELM_OCI_MEDIA_TYPES.manifest,
        config: { mediaType: HELM_OCI_MEDIA_TYPES.config, digest: this.putBlob(config), size: config.length },
        layers: [{ mediaType: HELM_OCI_MEDIA_TYPES.chart, digest: layerDigest, size: archive.length }],
        annotations: { 'org.opencontainers.image.title': metadata.name, 'org.opencontainers.image.version': metadata.version },
      }),
    );
    const manifestDigest = digestOf(manifest);
    const repository = `${namespace.replace(/\/+$/, '')}/${metadata.name}`;
    const tag = metadata.version.replace(/\+/g, '_');
    this.manifests.set(`${repository}@${manifestDigest}`, manifest);
    const tags = this.tags.get(repository) ?? new Map<string, string>();
    tags.set(tag, manifestDigest);
    this.tags.set(repository, tags);
    return { repository, name: metadata.name, version: metadata.version, tag, archive, layerDigest, manifestDigest };
  }

  /** Replaces the bytes stored under `digest` (to serve a blob that does not match its digest). */
  corruptBlob(digest: string, data: Buffer): void {
    this.blobs.set(digest, data);
  }

  /** Requests whose path is `path` (all when omitted). */
  requestCount(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }

  /** Stops the registry. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private putBlob(data: Buffer): string {
    const digest = digestOf(data);
    this.blobs.set(digest, data);
    return digest;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const method = request.method ?? 'GET';
    const header = request.headers.authorization;
    const answer = (status: number, body: Buffer | string, headers: Record<string, string>) => {
      this.requests.push({ method, path, status, authorized: header !== undefined });
      const data = Buffer.from(body);
      response.writeHead(status, { 'Content-Length': String(data.length), 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
      response.end(method === 'HEAD' ? undefined : data);
    };
    // Errors in the distribution spec's shape: {"errors":[{code, message}]}.
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      answer(status, JSON.stringify({ errors: [{ code, message }] }), { 'Content-Type': 'application/json', ...headers });
    const stored = /^\/storage\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (this.options.redirectBlobs && stored && method === 'GET') {
      const blob = this.blobs.get(stored[1] as string);
      if (blob) answer(200, blob, { 'Content-Type': 'application/octet-stream' });
      else error(404, 'BLOB_UNKNOWN', `blob unknown to registry: ${stored[1] as string}`);
      return;
    }
    const { basic } = this.options;
    const basicOk = !basic || header === `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    if (this.options.token && path === '/token') {
      if (!basicOk) error(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="ferry-oci-token"' });
      else {
        const token = randomBytes(16).toString('hex');
        this.tokens.add(token);
        answer(200, JSON.stringify({ token, access_token: token, expires_in: 300 }), { 'Content-Type': 'application/json' });
      }
      return;
    }
    if (this.options.token && !this.tokens.has(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '')) {
      // The scope names the repository of the request, as registries ask for it.
      const name = /^\/v2\/(.+)\/(?:tags|manifests|blobs)\//.exec(path)?.[1];
      const scope = name ? `,scope="repository:${name}:pull"` : '';
      error(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Bearer realm="http://${this.host}/token",service="ferry-oci"${scope}` });
      return;
    }
    if (!this.options.token && !basicOk) {
      error(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="ferry-oci"' });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      error(405, 'UNSUPPORTED', 'the operation is unsupported');
      return;
    }
    if (path === '/v2/' || path === '/v2') {
      answer(200, '{}', { 'Content-Type': 'application/json' });
      return;
    }
    const tagsRoute = ROUTES.tags.exec(path);
    if (tagsRoute && method === 'GET') {
      const name = tagsRoute[1] as string;
      const tags = this.tags.get(name);
      if (!tags) error(404, 'NAME_UNKNOWN', `repository name not known to registry: ${name}`);
      else answer(200, JSON.stringify({ name, tags: [...tags.keys()].sort() }), { 'Content-Type': 'application/json' });
      return;
    }
    const manifestRoute = ROUTES.manifest.exec(path);
    if (manifestRoute) {
      const name = manifestRoute[1] as string;
      const reference = manifestRoute[2] as string;
      const digest = reference.startsWith('sha256:') ? reference : this.tags.get(name)?.get(reference);
      const manifest = digest === undefined ? undefined : this.manifests.get(`${name}@${digest}`);
      if (!manifest || !digest) error(404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${reference}`);
      else answer(200, manifest, { 'Content-Type': HELM_OCI_MEDIA_TYPES.manifest, 'Docker-Content-Digest': digest });
      return;
    }
    const blobRoute = ROUTES.blob.exec(path);
    if (blobRoute && method === 'GET') {
      const blob = this.blobs.get(blobRoute[2] as string);
      if (!blob) error(404, 'BLOB_UNKNOWN', `blob unknown to registry: ${blobRoute[2] as string}`);
      else if (this.options.redirectBlobs) answer(307, '', { Location: `http://localhost:${this.host.split(':')[1] as string}/storage/${blobRoute[2] as string}` });
      else answer(200, blob, { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': blobRoute[2] as string });
      return;
    }
    error(404, 'NOT_FOUND', `no route for ${method} ${path}`);
  }
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
