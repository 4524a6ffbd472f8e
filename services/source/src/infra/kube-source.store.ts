import { parseFluxObject } from '@ferry/contracts';
import { ObjectWatcher, type KubeClient, type KubeObject } from '@ferry/kube';
import type { z } from 'zod';
import type { SourceObjectStore } from '../app/helm-ports';
import type { SourceObject } from '../domain/source-status';

/** What the informer reports, already decoded. */
export interface SourceObjectEvents<T> {
  onUpsert(object: T, previous: T | undefined): void;
  onDelete(object: { namespace: string; name: string }): void;
  /** An object that does not match its API: the message names the object and field. */
  onInvalid(object: KubeObject, error: Error): void;
  onError(error: unknown): void;
}

/** Source objects of one kind from an ObjectWatcher (informer) cache, decoded with their Flux schema; status written to the status subresource. */
export class KubeSourceStore<T extends SourceObject> implements SourceObjectStore<T> {
  private readonly watcher: ObjectWatcher<KubeObject>;

  constructor(
    private readonly kube: KubeClient,
    private readonly schema: z.ZodType<T>,
    private readonly apiVersion: string,
    private readonly kind: string,
    events: SourceObjectEvents<T>,
  ) {
    this.watcher = new ObjectWatcher<KubeObject>(kube, apiVersion, kind, {
      onUpsert: (object, previous) => {
        // An invalid object is reported once per generation: the status written about it must not loop.
        const report = !previous || previous.metadata.generation !== object.metadata.generation;
        const decoded = this.decode(object, report ? events : undefined);
        if (decoded) events.onUpsert(decoded, previous ? this.decode(previous) : undefined);
      },
      onDelete: (object) => events.onDelete({ namespace: object.metadata.namespace ?? 'default', name: object.metadata.name }),
      onError: (error) => events.onError(error),
    });
  }

  /** Lists and starts watching; resolves once the initial list was delivered. */
  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  get(namespace: string, name: string): T | undefined {
    const object = this.watcher.get(namespace, name);
    return object ? this.decode(object) : undefined;
  }

  list(): T[] {
    return this.watcher.list().flatMap((object) => this.decode(object) ?? []);
  }

  async writeStatus(object: T & { metadata: { name: string; namespace?: string } }, status: NonNullable<T['status']>): Promise<T> {
    const stored = await this.kube.mergePatch(
      { apiVersion: this.apiVersion, kind: this.kind, namespace: object.metadata.namespace ?? 'default', name: object.metadata.name },
      { status },
      { subresource: 'status', fieldManager: 'source-controller' },
    );
    return this.decode({ ...stored, apiVersion: this.apiVersion, kind: this.kind }) ?? { ...object, status };
  }

  private decode(object: KubeObject, events?: SourceObjectEvents<T>): T | undefined {
    try {
      return parseFluxObject(this.schema, object);
    } catch (error) {
      events?.onInvalid(object, error as Error);
      return undefined;
    }
  }
}
