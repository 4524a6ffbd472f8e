import type { InventoryEntry } from '@ferry/contracts';
import { identityOf, inventoryId, parseInventoryId, type KubeObject, type ObjectIdentity } from './object-ref';

/** The inventory entries (Flux's `status.inventory.entries`) of the objects a reconcile applied, sorted by id. */
export function inventoryOf(objects: KubeObject[]): InventoryEntry[] {
  const entries = new Map<string, InventoryEntry>();
  for (const object of objects) {
    const identity = identityOf(object);
    entries.set(inventoryId(identity), { id: inventoryId(identity), v: identity.version });
  }
  return [...entries.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Objects in the previous inventory that are not in the new one: what left Git and must be pruned.
 * Identity ignores the API version, so moving `v1beta1` → `v1` is not a deletion.
 */
export function staleEntries(previous: InventoryEntry[], current: InventoryEntry[]): ObjectIdentity[] {
  const keep = new Set(current.map((entry) => entry.id));
  return previous.filter((entry) => !keep.has(entry.id)).map((entry) => parseInventoryId(entry.id, entry.v));
}
