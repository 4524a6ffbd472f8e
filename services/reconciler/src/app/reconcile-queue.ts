// The queue moved to libs/platform so every controller service shares one implementation.
export { ReconcileQueue, type ReconcileResult } from '@ferry/platform';
