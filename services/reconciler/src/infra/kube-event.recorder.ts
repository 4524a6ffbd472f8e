import { randomBytes } from 'node:crypto';
import type { Kustomization } from '@ferry/contracts';
import type { KubeClient } from '@ferry/kube';
import type { EventRecorder } from '../app/ports';

/** Records core/v1 Events about a Kustomization, as kustomize-controller's event recorder does. */
export class KubeEventRecorder implements EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
  ) {}

  async record(kustomization: Kustomization, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const namespace = kustomization.metadata.namespace ?? 'default';
    await this.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${kustomization.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: kustomization.apiVersion,
        kind: kustomization.kind,
        name: kustomization.metadata.name,
        namespace,
        ...(kustomization.metadata.uid ? { uid: kustomization.metadata.uid } : {}),
        ...(kustomization.metadata.resourceVersion ? { resourceVersion: kustomization.metadata.resourceVersion } : {}),
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
