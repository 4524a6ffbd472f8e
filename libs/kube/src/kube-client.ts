import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { splitApiVersion, type KubeObject } from './object-ref';

/** A Kubernetes API error, from its `Status` body: code, reason and the causes the server gave. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    readonly causes: Array<{ reason?: string; message?: string; field?: string }> = [],
  ) {
    super(message);
  }
}

/** Reason of the error for a kind the API server does not serve (kubectl: "no matches for kind"). */
export const NO_KIND_MATCH = 'NoKindMatch';

/** Where an object lives: enough to build its URL. */
export interface ObjectLocator {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/** An object or a locator: anything that says where an object lives. */
export type ObjectReference = ObjectLocator | KubeObject;

/** The locator of an object or locator. */
export function locatorOf(reference: ObjectReference): ObjectLocator {
  if ('metadata' in reference && reference.metadata) {
    return {
      apiVersion: reference.apiVersion,
      kind: reference.kind,
      name: reference.metadata.name,
      ...(reference.metadata.namespace ? { namespace: reference.metadata.namespace } : {}),
    };
  }
  return reference as ObjectLocator;
}

/** A served resource, from discovery. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** A watch event. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** Options of a request. */
interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

/**
 * Ferry's access to a Kubernetes API server: `@kubernetes/client-node`'s KubeConfig for credentials
 * (kubeconfig, in-cluster service account, exec plugins) and a small REST layer with discovery, so every
 * kind — built-in or CRD — is reached the same way, subresources included.
 */
export class KubeClient {
  private readonly resources = new Map<string, ResourceInfo>();
  private agent: http.Agent | undefined;
  private readonly server: string;

  constructor(
    private readonly config: KubeConfig,
    private readonly impersonatedUser?: string,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
  }

  /** From kubeconfig text, or else KUBECONFIG / ~/.kube/config / the in-cluster service account. */
  static fromKubeconfig(text?: string): KubeClient {
    const config = new KubeConfig();
    if (text) config.loadFromString(text);
    else config.loadFromDefault();
    return new KubeClient(config);
  }

  /**
   * The same server and credentials, acting as `user` (Kubernetes impersonation): what the server allows is
   * then what `user` may do, e.g. `system:serviceaccount:<namespace>:<name>`.
   */
  impersonating(user: string): KubeClient {
    return new KubeClient(this.config, user);
  }

  /** The API server's address. */
  get serverUrl(): string {
    return this.server;
  }

  /** The API server's version (`/version`). */
  version(): Promise<{ major: string; minor: string; gitVersion: string }> {
    return this.request('GET', '/version');
  }

  /** Discovery of one kind; refreshed once on a miss, since CRDs become served at any time. */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    const cached = this.resources.get(key);
    if (cached) return cached;
    const { group } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>(
      'GET',
      path,
    ).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.code === 404) return { resources: [] };
      throw error;
    });
    for (const resource of list.resources) {
      if (!resource.name.includes('/')) {
        this.resources.set(`${apiVersion}/${resource.kind}`, { plural: resource.name, namespaced: resource.namespaced });
      }
    }
    const found = this.resources.get(key);
    if (!found) {
      throw new KubeApiError(`no matches for kind "${kind}" in version "${apiVersion}"`, 404, NO_KIND_MATCH);
    }
    return found;
  }

  /** The URL path of an object, its collection (no name), or a subresource. */
  async pathOf(reference: ObjectReference, subresource?: string): Promise<string> {
    const locator = locatorOf(reference);
    const info = await this.resourceFor(locator.apiVersion, locator.kind);
    const { group } = splitApiVersion(locator.apiVersion);
    const base = group ? `/apis/${locator.apiVersion}` : `/api/${locator.apiVersion}`;
    const namespace = info.namespaced && locator.namespace ? `/namespaces/${encodeURIComponent(locator.namespace)}` : '';
    const name = locator.name ? `/${encodeURIComponent(locator.name)}` : '';
    return `${base}${namespace}/${info.plural}${name}${subresource && locator.name ? `/${subresource}` : ''}`;
  }

  /** Whether the kind is namespaced. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resourceFor(apiVersion, kind)).namespaced;
  }

  /** Reads an object; undefined when it does not exist (a kind the server does not serve is an error). */
  async get<T extends KubeObject = KubeObject>(locator: ObjectReference): Promise<T | undefined> {
    const path = await this.pathOf(locator);
    try {
      return await this.request<T>('GET', path);
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Lists objects of a kind (all namespaces when none is given). */
  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const path = await this.pathOf({ apiVersion, kind, ...(options.namespace ? { namespace: options.namespace } : {}) });
    const list = await this.request<{ items: T[]; metadata: { resourceVersion: string } }>('GET', path, {
      query: { labelSelector: options.labelSelector },
    });
    // Lists omit apiVersion/kind on items; put them back so callers see whole objects.
    const items = list.items.map((item) => ({ ...item, apiVersion, kind }));
    return { items, resourceVersion: list.metadata.resourceVersion };
  }

  /** Server-side apply. `dryRun` runs admission and merging without storing. */
  async apply<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean; subresource?: 'status' },
  ): Promise<T> {
    const path = await this.pathOf(object, options.subresource);
    return this.request<T>('PATCH', path, {
      query: { fieldManager: options.fieldManager, force: options.force ?? false, dryRun: options.dryRun ? 'All' : undefined },
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
  }

  /** JSON merge patch, on the object or a subresource (`status`). */
  async mergePatch<T extends KubeObject = KubeObject>(
    locator: ObjectReference,
    patch: unknown,
    options: { fieldManager?: string; subresource?: 'status' } = {},
  ): Promise<T> {
    return this.request<T>('PATCH', await this.pathOf(locator, options.subresource), {
      query: { fieldManager: options.fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Creates an object. */
  async create<T extends KubeObject = KubeObject>(object: KubeObject, options: { fieldManager?: string } = {}): Promise<T> {
    const path = await this.pathOf({
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    });
    return this.request<T>('POST', path, { query: { fieldManager: options.fieldManager }, body: object });
  }

  /** Deletes an object; false when it was already gone. */
  async delete(
    locator: ObjectReference,
    options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; dryRun?: boolean } = {},
  ): Promise<boolean> {
    try {
      await this.request('DELETE', await this.pathOf(locator), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background', ...(options.dryRun ? { dryRun: ['All'] } : {}) },
      });
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return false;
      throw error;
    }
  }

  /**
   * Streams watch events from a resourceVersion until `signal` aborts or the server ends the stream.
   * Resolves with the last resourceVersion seen, so the caller can resume; a 410 comes as an ERROR event.
   */
  async watch(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; resourceVersion: string; labelSelector?: string; signal: AbortSignal },
    onEvent: (event: WatchEvent) => void,
  ): Promise<string> {
    const path = await this.pathOf({ apiVersion, kind, ...(options.namespace ? { namespace: options.namespace } : {}) });
    let lastVersion = options.resourceVersion;
    await this.stream(
      path,
      {
        watch: true,
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        labelSelector: options.labelSelector,
        timeoutSeconds: 300,
      },
      options.signal,
      (line) => {
        const event = JSON.parse(line) as WatchEvent;
        if (event.type !== 'ERROR') {
          lastVersion = event.object.metadata.resourceVersion ?? lastVersion;
          if (event.type !== 'BOOKMARK') event.object = { ...event.object, apiVersion, kind };
        }
        onEvent(event);
      },
    );
    return lastVersion;
  }

  /** A raw API request; non-2xx answers become KubeApiError with the server's Status message. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { response, body } = await this.send(method, path, options);
    const text = body.toString('utf8');
    if ((response.statusCode ?? 500) >= 300) throw toApiError(response.statusCode ?? 500, text, method, path);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async requestOptions(method: string, path: string, options: RequestOptions): Promise<{ url: URL; init: https.RequestOptions; payload: string | undefined }> {
    const url = new URL(`${this.server}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    // Content-Length always: Node sends DELETE bodies neither chunked nor sized otherwise.
    const init: https.RequestOptions = {
      method,
      headers: {
        Accept: 'application/json',
        ...(this.impersonatedUser ? { 'Impersonate-User': this.impersonatedUser } : {}),
        ...(payload !== undefined
          ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {}),
      },
    };
    await this.config.applyToHTTPSOptions(init);
    init.agent = this.keepAlive(init.agent);
    return { url, init, payload };
  }

  // client-node builds a fresh agent (one connection) per request; reusing connections is most of a small request's cost.
  private keepAlive(agent: https.RequestOptions['agent']): https.RequestOptions['agent'] {
    if (!agent || (agent.constructor !== http.Agent && agent.constructor !== https.Agent)) return agent;
    const options = { ...(agent as http.Agent & { options: https.AgentOptions }).options, keepAlive: true };
    this.agent ??= agent instanceof https.Agent ? new https.Agent(options) : new http.Agent(options);
    return this.agent;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<{ response: http.IncomingMessage; body: Buffer }> {
    const { url, init, payload } = await this.requestOptions(method, path, options);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, init, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ response, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('error', (error) => reject(new Error(`cannot reach the Kubernetes API at ${this.server}: ${error.message}`)));
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }

  private async stream(
    path: string,
    query: RequestOptions['query'],
    signal: AbortSignal,
    onLine: (line: string) => void,
  ): Promise<void> {
    const { url, init } = await this.requestOptions('GET', path, { query });
    const transport = url.protocol === 'https:' ? https : http;
    await new Promise<void>((resolve, reject) => {
      const request = transport.request(url, { ...init, signal }, (response) => {
        if ((response.statusCode ?? 500) >= 300) {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => reject(toApiError(response.statusCode ?? 500, Buffer.concat(chunks).toString(), 'WATCH', path)));
          return;
        }
        let buffered = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) onLine(line);
          }
        });
        response.on('end', () => resolve());
        response.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      });
      request.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      request.end();
    });
  }
}

function toApiError(code: number, text: string, method: string, path: string): KubeApiError {
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string; details?: { causes?: KubeApiError['causes'] } };
    return new KubeApiError(status.message ?? `${method} ${path}: HTTP ${code}`, code, status.reason ?? 'Unknown', status.details?.causes ?? []);
  } catch {
    return new KubeApiError(`${method} ${path}: HTTP ${code}: ${text.slice(0, 200)}`, code, 'Unknown');
  }
}
