import type { FailureStage } from '@ferry/contracts';

/**
 * A GitRepository reconcile step that failed, in Flux's vocabulary. `retryable` false means only a change to
 * the object (or its Secret) can help: Flux's Stalled.
 */
export class SourceFailure extends Error {
  override readonly name = 'SourceFailure';
  constructor(
    readonly reason: string,
    readonly stage: FailureStage,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}
