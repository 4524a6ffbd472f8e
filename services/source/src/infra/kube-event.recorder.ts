import { randomBytes } from 'node:crypto';
import type { KubeClient, KubeObject } from '@ferry/kube';
import type { EventRecorder, RecordedObject } from '../app/ports';

/** Writes core/v1 Events on source objects, as source-controller does (what `kubectl describe` shows). */
export class KubeEventRecorder implements EventRecorder {
  constructor(
    private readonly kube: KubeClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(repository: RecordedObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const namespace = repository.metadata.namespace ?? 'default';
    const time = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await this.kube.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${repository.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: repository.apiVersion,
        kind: repository.kind,
        name: repository.metadata.name,
        namespace,
        ...(repository.metadata.uid ? { uid: repository.metadata.uid } : {}),
        ...(repository.metadata.resourceVersion ? { resourceVersion: repository.metadata.resourceVersion } : {}),
      },
      type,
      reason,
      // Kubernetes caps Event messages; Flux trims likewise.
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      source: { component: 'source-controller' },
      reportingComponent: 'source-controller',
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    } as KubeObject);
  }
}
