import type { FailureStage } from './events/failed.v1';

/**
 * A reconcile step that failed, in Flux's vocabulary: the reason (PascalCase), the stage, and whether trying
 * again can help. `retryable` false means only a change to the object (or its Secret, or its source) can:
 * Flux's Stalled. Every controller maps it to a Failed event and a Ready=False condition.
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
