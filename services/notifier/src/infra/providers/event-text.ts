import type { FluxEvent } from '../../domain/flux-event';

/**
 * The metadata as [key, value] pairs sorted by key. Flux ranges over a Go map, so its order changes from one
 * send to the next; sorted, a resent notification is the same bytes.
 */
export function sortedMetadata(event: FluxEvent): [string, string][] {
  return Object.entries(event.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The emoji Flux puts before the object in Lark, Matrix and Telegram headings. */
export function severityEmoji(event: FluxEvent): string {
  return event.severity === 'error' ? '🚨' : '💫';
}
