import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { ClusterApi, PatchType } from '../app/cluster-api';
import { ApiError, badRequest } from '../domain/errors';
import { isObject, JsonObject } from '../domain/json';
import { apiVersionOf, ResourceType } from '../domain/resource-registry';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryType,
  apiGroup,
  coreVersions,
  groupList,
  openApiV3Doc,
  openApiV3Index,
  resourceList,
  SERVER_VERSION,
} from './discovery';
import { decodeProtobufObject } from './protobuf-decoder';
import { toTable, wantsTable } from './table';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

interface Target {
  rt: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function contentType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(text: string, contentType: string): unknown {
  if (contentType.includes('protobuf') || contentType.includes('cbor')) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  if (!text.trim()) return undefined;
  try {
    if (contentType.includes('yaml')) return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${(e as Error).message}`);
  }
}

/**
 * The HTTP face of the dev cluster: routes Kubernetes REST paths to {@link ClusterApi}, serves discovery and
 * OpenAPI, encodes errors as `Status` bodies, streams watches as newline-delimited JSON.
 */
export class ApiHttpServer {
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly api: ClusterApi) {}

  /** Starts listening on 127.0.0.1 (port 0 picks a free one) and returns the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.fail(res, e));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${host}:${addr.port}`;
  }

  /** Ends open watches and stops listening. */
  async close(): Promise<void> {
    for (const r of this.open) r.end();
    this.open.clear();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private fail(res: ServerResponse, e: unknown): void {
    const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    send(res, err.code, err.toStatus());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const accept = req.headers.accept;
    const method = req.method ?? 'GET';
    const reg = this.api.registry;

    if (method === 'GET') {
      if (path === '/version') return send(res, 200, SERVER_VERSION);
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (path === '/api' || path === '/apis') {
        const agg = aggregatedDiscoveryType(accept);
        if (agg) return send(res, 200, aggregatedDiscovery(reg, path === '/api', agg), agg);
        const host = req.headers.host ?? '127.0.0.1';
        return send(res, 200, path === '/api' ? coreVersions(host) : groupList(reg));
      }
      if (path === '/openapi/v3') return send(res, 200, openApiV3Index(reg));
      const oa = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
      if (oa) {
        const doc = oa[1] ? openApiV3Doc(reg, '', oa[1]) : openApiV3Doc(reg, oa[2] as string, oa[3] as string);
        if (doc) return send(res, 200, doc);
      }
      const gm = /^\/apis\/([^/]+)$/.exec(path);
      if (gm) {
        const g = apiGroup(reg, gm[1] as string);
        if (g) return send(res, 200, g);
      }
      const rl = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
      if (rl) {
        const gv = rl[1] as string;
        const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
        const doc = resourceList(reg, group, version);
        if (doc) return send(res, 200, doc);
      }
    }

    const target = this.route(path);
    if (!target) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const { rt, namespace, name, subresource } = target;
    if (subresource === 'scale' && name) return this.scale(req, res, target, contentType(req));
    if (subresource && subresource !== 'status') {
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (subresource ${subresource})`);
    }
    if (subresource === 'status' && !rt.statusSubresource) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const ns = namespace ?? '';
    const dryRun = q.getAll('dryRun').includes('All');
    const write = {
      dryRun,
      fieldManager: q.get('fieldManager') ?? undefined,
      force: q.get('force') === 'true',
      subresource,
      fieldValidation: q.get('fieldValidation') ?? undefined,
    };
    const ctype = contentType(req);

    switch (method) {
      case 'GET': {
        if (!name) {
          if (q.get('watch') === 'true' || q.get('watch') === '1') return this.watch(req, res, rt, namespace, q);
          const list = this.api.list(rt, namespace, {
            labelSelector: q.get('labelSelector'),
            fieldSelector: q.get('fieldSelector'),
            limit: q.get('limit') ? Number(q.get('limit')) : undefined,
            continueToken: q.get('continue'),
          });
          const listMeta: JsonObject = { resourceVersion: list.resourceVersion };
          if (list.continueToken) listMeta['continue'] = list.continueToken;
          if (list.remainingItemCount !== undefined) listMeta['remainingItemCount'] = list.remainingItemCount;
          if (wantsTable(accept)) return send(res, 200, toTable(rt, list.items, listMeta));
          return send(res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: listMeta, items: list.items });
        }
        const obj = this.api.get(rt, ns, name);
        if (wantsTable(accept)) return send(res, 200, toTable(rt, [obj], { resourceVersion: String((obj['metadata'] as JsonObject)['resourceVersion']) }));
        return send(res, 200, obj);
      }
      case 'POST': {
        if (name) throw new ApiError(405, 'MethodNotAllowed', 'POST is not allowed on a named resource');
        const body = ctype.includes('protobuf') && rt.builtIn ? decodeProtobufObject(await readRaw(req), rt.kind) : parseBody(await readBody(req), ctype);
        if (!isObject(body)) throw badRequest('the body of the request was in an unknown format');
        return send(res, 201, this.api.create(rt, ns, body, { ...write, fieldManager: write.fieldManager ?? this.defaultManager(req) }));
      }
      case 'PUT': {
        if (!name) throw new ApiError(405, 'MethodNotAllowed', 'PUT requires a name');
        const body = parseBody(await readBody(req), ctype);
        if (!isObject(body)) throw badRequest('the body of the request was in an unknown format');
        return send(res, 200, this.api.update(rt, ns, name, body, { ...write, fieldManager: write.fieldManager ?? this.defaultManager(req) }));
      }
      case 'PATCH': {
        if (!name) throw new ApiError(405, 'MethodNotAllowed', 'PATCH requires a name');
        const type = PATCH_TYPES[ctype];
        if (!type) {
          throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`);
        }
        const body = parseBody(await readBody(req), type === 'apply' ? 'yaml' : 'json');
        const existed = type === 'apply' && this.exists(rt, ns, name);
        const opts = { ...write, fieldManager: write.fieldManager ?? (type === 'apply' ? undefined : this.defaultManager(req)) };
        const out = this.api.patch(rt, ns, name, type, body, opts);
        return send(res, type === 'apply' && !existed ? 201 : 200, out);
      }
      case 'DELETE': {
        const body = parseBody(await readBody(req), 'json');
        const opts = isObject(body) ? body : {};
        const propagationPolicy = q.get('propagationPolicy') ?? (typeof opts['propagationPolicy'] === 'string' ? opts['propagationPolicy'] : undefined);
        const bodyDry = Array.isArray(opts['dryRun']) && opts['dryRun'].includes('All');
        if (!name) {
          const gone = this.api.deleteCollection(rt, namespace, {
            labelSelector: q.get('labelSelector'),
            fieldSelector: q.get('fieldSelector'),
            dryRun: dryRun || bodyDry,
          });
          return send(res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: {}, items: gone });
        }
        const pre = isObject(opts['preconditions']) ? opts['preconditions']['resourceVersion'] : undefined;
        return send(
          res,
          200,
          this.api.delete(rt, ns, name, {
            dryRun: dryRun || bodyDry,
            propagationPolicy,
            preconditionRv: typeof pre === 'string' ? pre : undefined,
          }),
        );
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `method ${method} not allowed`);
    }
  }

  private async scale(req: IncomingMessage, res: ServerResponse, t: Target, ctype: string): Promise<void> {
    const ns = t.namespace ?? '';
    const name = t.name as string;
    const fieldManager = new URL(req.url ?? '/', 'http://localhost').searchParams.get('fieldManager') ?? this.defaultManager(req);
    if (req.method === 'GET') return send(res, 200, this.api.getScale(t.rt, ns, name));
    if (req.method === 'PUT' || req.method === 'PATCH') {
      const type = req.method === 'PUT' ? 'put' : PATCH_TYPES[ctype];
      if (!type || type === 'apply') throw new ApiError(415, 'UnsupportedMediaType', `unsupported patch type ${ctype} for scale`);
      const body = parseBody(await readBody(req), 'json');
      return send(res, 200, this.api.updateScale(t.rt, ns, name, type, body, { fieldManager }));
    }
    throw new ApiError(405, 'MethodNotAllowed', `method ${String(req.method)} not allowed on scale`);
  }

  private exists(rt: ResourceType, ns: string, name: string): boolean {
    try {
      this.api.get(rt, ns, name);
      return true;
    } catch {
      return false;
    }
  }

  /** Like the real server: the manager of a write without `fieldManager` is the user agent's product name. */
  private defaultManager(req: IncomingMessage): string {
    const ua = String(req.headers['user-agent'] ?? 'unknown');
    return ua.split('/')[0] || 'unknown';
  }

  private route(path: string): Target | undefined {
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 3) {
      group = '';
      version = segs[1] as string;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 4) {
      group = segs[1] as string;
      version = segs[2] as string;
      rest = segs.slice(3);
    } else return undefined;
    const reg = this.api.registry;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const nsRt = reg.lookup(group, version, rest[2] as string);
      if (nsRt && nsRt.namespaced) {
        return { rt: nsRt, namespace: rest[1], name: rest[3], subresource: rest[4] };
      }
    }
    const rt = reg.lookup(group, version, rest[0] as string);
    if (!rt) return undefined;
    return { rt, namespace: undefined, name: rest[1], subresource: rest[2] };
  }

  private watch(req: IncomingMessage, res: ServerResponse, rt: ResourceType, namespace: string | undefined, q: URLSearchParams): void {
    const table = wantsTable(req.headers.accept);
    let first = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    this.open.add(res);
    let stop: () => void = () => undefined;
    const end = (): void => {
      stop();
      this.open.delete(res);
      if (!res.writableEnded) res.end();
    };
    try {
      stop = this.api.watch(
        rt,
        namespace,
        { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector'), resourceVersion: q.get('resourceVersion') },
        (e) => {
          const object = table
            ? toTable(rt, [e.object], { resourceVersion: String((e.object['metadata'] as JsonObject)['resourceVersion']) }, first)
            : e.object;
          first = false;
          res.write(JSON.stringify({ type: e.type, object }) + '\n');
        },
      );
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', String(e));
      res.write(JSON.stringify({ type: 'ERROR', object: err.toStatus() }) + '\n');
      end();
      return;
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const limit = timeout > 0 ? timeout : 1800;
    const timer = setTimeout(end, limit * 1000);
    timer.unref();
    let bookmarks: NodeJS.Timeout | undefined;
    if (q.get('allowWatchBookmarks') === 'true') {
      bookmarks = setInterval(() => {
        res.write(
          JSON.stringify({
            type: 'BOOKMARK',
            object: { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(this.api.store.resourceVersion) } },
          }) + '\n',
        );
      }, 5000);
      bookmarks.unref();
    }
    res.on('close', () => {
      clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
      end();
    });
  }
}
