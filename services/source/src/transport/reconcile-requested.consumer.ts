import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { causedBy, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { GitRepositoryScheduler } from '../app/git-repository.scheduler';
import { GIT_REPOSITORY_SCHEDULER } from './tokens';

/** Turns ReconcileRequested events for GitRepositories into an immediate reconcile. */
@Controller()
export class ReconcileRequestedConsumer {
  constructor(@Inject(GIT_REPOSITORY_SCHEDULER) private readonly scheduler: GitRepositoryScheduler) {}

  @EventPattern('ReconcileRequested')
  handle(@Payload() event: ReconcileRequestedV1): void {
    if (event.object.kind !== 'GitRepository') return;
    this.scheduler.request({ namespace: event.object.namespace, name: event.object.name }, causedBy(event));
  }
}
