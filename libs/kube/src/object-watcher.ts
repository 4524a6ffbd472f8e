import type { KubeObject } from './object-ref';
import { KubeApiError, type KubeClient } from './kube-client';

/** Callbacks of an ObjectWatcher. */
export interface WatchHandlers<T extends KubeObject> {
  /** An object appeared or changed (also called for every object of the initial list). */
  onUpsert(object: T, previous: T | undefined): void;
  onDelete(object: T): void;
  onError?(error: unknown): void;
}

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

/**
 * An informer for one kind: lists, then watches from the list's resourceVersion, resumes when the server
 * closes the stream, and re-lists (reconciling its cache) when the version has expired (410).
 */
export class ObjectWatcher<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly apiVersion: string,
    private readonly kind: string,
    private readonly handlers: WatchHandlers<T>,
    private readonly options: { namespace?: string; labelSelector?: string; retryMs?: number } = {},
  ) {}

  /**
   * Lists and starts watching; resolves after the initial list was delivered. An API server that cannot be
   * reached is reported through `onError` and retried, as a controller waits for its cluster.
   */
  async start(): Promise<void> {
    let resourceVersion: string | undefined;
    while (resourceVersion === undefined) {
      try {
        resourceVersion = await this.relist();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.handlers.onError?.(error);
        await this.pause();
      }
    }
    if (!this.abort.signal.aborted) this.running = this.loop(resourceVersion);
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** The cached object, if any. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.cache.values()];
  }

  private async relist(): Promise<string> {
    const { items, resourceVersion } = await this.client.list<T>(this.apiVersion, this.kind, {
      ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
      ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
    });
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(item));
      this.upsert(item);
    }
    for (const [key, object] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.handlers.onDelete(object);
      }
    }
    return resourceVersion;
  }

  private upsert(object: T): void {
    const previous = this.cache.get(keyOf(object));
    if (previous?.metadata.resourceVersion === object.metadata.resourceVersion) return;
    this.cache.set(keyOf(object), object);
    this.handlers.onUpsert(object, previous);
  }

  private async loop(initialVersion: string): Promise<void> {
    let resourceVersion = initialVersion;
    while (!this.abort.signal.aborted) {
      try {
        let expired = false;
        resourceVersion = await this.client.watch(
          this.apiVersion,
          this.kind,
          {
            resourceVersion,
            signal: this.abort.signal,
            ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
            ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
          },
          (event) => {
            if (event.type === 'ERROR') {
              expired = (event.object as unknown as { code?: number }).code === 410;
              return;
            }
            if (event.type === 'ADDED' || event.type === 'MODIFIED') this.upsert(event.object as T);
            if (event.type === 'DELETED') {
              this.cache.delete(keyOf(event.object));
              this.handlers.onDelete(event.object as T);
            }
          },
        );
        if (expired) resourceVersion = await this.relist();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof KubeApiError && error.code === 410) {
          resourceVersion = await this.relist().catch(() => resourceVersion);
          continue;
        }
        this.handlers.onError?.(error);
        await this.pause();
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.retryMs ?? 1000);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
