import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ArtifactReadyV1, ReconcileRequestedV1 } from '@ferry/contracts';
import type { KustomizationScheduler } from '../app/kustomization-scheduler';
import { KUSTOMIZATION_SCHEDULER } from '../tokens';

/** Source events that make Kustomizations reconcile now. */
@Controller()
export class ReconcileTriggersConsumer {
  constructor(@Inject(KUSTOMIZATION_SCHEDULER) private readonly scheduler: KustomizationScheduler) {}

  @EventPattern('ArtifactReady')
  onArtifactReady(@Payload() event: ArtifactReadyV1): void {
    this.scheduler.onArtifactReady(event);
  }

  @EventPattern('ReconcileRequested')
  onReconcileRequested(@Payload() event: ReconcileRequestedV1): void {
    this.scheduler.onReconcileRequested(event);
  }
}
