import type { FailureStage } from '@ferry/contracts';

/**
 * A reconcile step that failed, in Flux's vocabulary. `retryable` false means only a change to the object
 * or its source can help (Stalled); true means try again after retryInterval.
 */
export class ReconcileFailure extends Error {
  override readonly name = 'ReconcileFailure';
  constructor(
    readonly reason: string,
    readonly stage: FailureStage,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}
