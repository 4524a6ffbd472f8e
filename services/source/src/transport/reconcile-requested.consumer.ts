import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { causedBy, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { SourceScheduler } from '../app/source.scheduler';
import { SOURCE_SCHEDULERS } from './tokens';

/** Turns ReconcileRequested events for source objects (GitRepository, HelmRepository, HelmChart) into an immediate reconcile. */
@Controller()
export class ReconcileRequestedConsumer {
  constructor(@Inject(SOURCE_SCHEDULERS) private readonly schedulers: ReadonlyMap<string, Pick<SourceScheduler<never>, 'request'>>) {}

  @EventPattern('ReconcileRequested')
  handle(@Payload() event: ReconcileRequestedV1): void {
    this.schedulers.get(event.object.kind)?.request({ namespace: event.object.namespace, name: event.object.name }, causedBy(event));
  }
}
