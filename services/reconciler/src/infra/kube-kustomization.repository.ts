import { KUSTOMIZATION_API_VERSION, kustomizationSchema, parseFluxObject, type Kustomization } from '@ferry/contracts';
import { ObjectWatcher, type KubeClient, type KubeObject, type WatchHandlers } from '@ferry/kube';
import type { KustomizationRepository } from '../app/ports';
import type { KustomizationStatus } from '../domain/kustomization-status';

/** Kustomizations from an informer on the API server; status written through the status subresource. */
export class KubeKustomizationRepository implements KustomizationRepository {
  private readonly watcher: ObjectWatcher<KubeObject>;

  constructor(
    private readonly client: KubeClient,
    handlers: WatchHandlers<KubeObject>,
    private readonly fieldManager: string,
  ) {
    this.watcher = new ObjectWatcher(client, KUSTOMIZATION_API_VERSION, 'Kustomization', handlers);
  }

  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  get(namespace: string, name: string): Kustomization | undefined {
    const object = this.watcher.get(namespace, name);
    return object ? parseFluxObject(kustomizationSchema, object) : undefined;
  }

  list(): Kustomization[] {
    return this.watcher.list().flatMap((object) => {
      const parsed = kustomizationSchema.safeParse(object);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async setFinalizers(kustomization: Kustomization, finalizers: string[]): Promise<Kustomization> {
    const stored = await this.client.mergePatch(
      { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace: kustomization.metadata.namespace, name: kustomization.metadata.name },
      { metadata: { finalizers, resourceVersion: kustomization.metadata.resourceVersion } },
      { fieldManager: this.fieldManager },
    );
    return parseFluxObject(kustomizationSchema, stored);
  }

  async writeStatus(kustomization: Kustomization, status: KustomizationStatus): Promise<Kustomization> {
    const stored = await this.client.mergePatch(
      { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization', namespace: kustomization.metadata.namespace, name: kustomization.metadata.name },
      { status },
      { fieldManager: this.fieldManager, subresource: 'status' },
    );
    return parseFluxObject(kustomizationSchema, stored);
  }
}
