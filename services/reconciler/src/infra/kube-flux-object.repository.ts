import type { z } from 'zod';
import { parseFluxObject } from '@ferry/contracts';
import { ObjectWatcher, type KubeClient, type KubeObject, type WatchHandlers } from '@ferry/kube';

/** A Flux object kind the repository can parse: metadata, and a status it writes. */
type FluxObject = { metadata: { name: string; namespace?: string; resourceVersion?: string }; status?: unknown };

/**
 * Flux objects of one kind (Kustomizations, HelmReleases) from an informer on the API server, parsed with
 * their schema (defaults applied); finalizers and status written back with the controller's field manager.
 */
export class KubeFluxObjectRepository<T extends FluxObject> {
  private readonly watcher: ObjectWatcher<KubeObject>;

  constructor(
    private readonly client: KubeClient,
    private readonly type: { apiVersion: string; kind: string; schema: z.ZodType<T> },
    handlers: WatchHandlers<KubeObject>,
    private readonly fieldManager: string,
  ) {
    this.watcher = new ObjectWatcher(client, type.apiVersion, type.kind, handlers);
  }

  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  get(namespace: string, name: string): T | undefined {
    const object = this.watcher.get(namespace, name);
    return object ? parseFluxObject(this.type.schema, object) : undefined;
  }

  list(): T[] {
    return this.watcher.list().flatMap((object) => {
      const parsed = this.type.schema.safeParse(object);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async setFinalizers(object: T, finalizers: string[]): Promise<T> {
    const stored = await this.client.mergePatch(this.locator(object), { metadata: { finalizers, resourceVersion: object.metadata.resourceVersion } }, { fieldManager: this.fieldManager });
    return parseFluxObject(this.type.schema, stored);
  }

  async writeStatus(object: T, status: NonNullable<T['status']>): Promise<T> {
    const stored = await this.client.mergePatch(this.locator(object), { status }, { fieldManager: this.fieldManager, subresource: 'status' });
    return parseFluxObject(this.type.schema, stored);
  }

  private locator(object: T) {
    return { apiVersion: this.type.apiVersion, kind: this.type.kind, namespace: object.metadata.namespace, name: object.metadata.name };
  }
}
