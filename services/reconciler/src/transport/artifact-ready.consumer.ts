import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ArtifactReadyV1, ReconcileRequestedV1 } from '@ferry/contracts';
import type { ReconcileTriggers } from '../app/reconcile-scheduler';
import { SCHEDULERS } from '../tokens';

/** Source events that make Kustomizations and HelmReleases reconcile now. */
@Controller()
export class ReconcileTriggersConsumer {
  constructor(@Inject(SCHEDULERS) private readonly schedulers: readonly ReconcileTriggers[]) {}

  @EventPattern('ArtifactReady')
  onArtifactReady(@Payload() event: ArtifactReadyV1): void {
    for (const scheduler of this.schedulers) scheduler.onArtifactReady(event);
  }

  @EventPattern('ReconcileRequested')
  onReconcileRequested(@Payload() event: ReconcileRequestedV1): void {
    for (const scheduler of this.schedulers) scheduler.onReconcileRequested(event);
  }
}
