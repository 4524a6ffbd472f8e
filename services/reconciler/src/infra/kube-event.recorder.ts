import { randomBytes } from 'node:crypto';
import type { KubeClient } from '@ferry/kube';
import type { EventRecorder, FluxObjectRef } from '../app/ports';

/** Records core/v1 Events about a Flux object, as the Flux controllers' event recorders do. */
export class KubeEventRecorder implements EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
  ) {}

  async record(object: FluxObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const namespace = object.metadata.namespace ?? 'default';
    await this.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace,
        ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
        ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
      },
      reason,
      message: message.slice(0, 1024),
      type,
      source: { component: this.component },
      reportingComponent: this.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
  }
}
