import type { Condition } from './meta';

/** The condition of a type, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Whether the condition of a type is present and True. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Sets a condition as Kubernetes' meta.SetStatusCondition does: `lastTransitionTime` changes only when the
 * status does, other conditions keep their order. Returns a new array.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const existing = findCondition(conditions, update.type);
  const next: Condition = {
    ...update,
    lastTransitionTime:
      existing && existing.status === update.status ? existing.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return existing
    ? (conditions ?? []).map((condition) => (condition.type === update.type ? next : condition))
    : [...(conditions ?? []), next];
}

/** Removes the condition of a type. Returns a new array. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((condition) => condition.type !== type);
}
