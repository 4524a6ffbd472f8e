import type { FluxEvent } from '../../domain/flux-event';
import { sortedMetadata } from './event-text';
import { objectDisplayName } from './slack.provider';

/** Flux's Opsgenie alert: `Kind/name` as message, the event message as description, metadata plus severity as details. */
export function opsgeniePayload(event: FluxEvent): unknown {
  return {
    message: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    description: event.message,
    // Go writes map keys sorted.
    details: Object.fromEntries(sortedMetadata({ ...event, metadata: { ...event.metadata, severity: event.severity } })),
  };
}

/**
 * Flux's Grafana annotation (Graphite format): `when` in Unix seconds, the object as text, and tags `flux`, the
 * controller, each metadata entry and the object's kind, name and namespace (":" in metadata becomes "|", since
 * Grafana splits tags at ":").
 */
export function grafanaPayload(event: FluxEvent): unknown {
  const { kind, name, namespace } = event.involvedObject;
  const metadata = sortedMetadata(event).map(([key, value]) => `${key.replaceAll(':', '|')}: ${value.replaceAll(':', '|')}`);
  return {
    when: Math.floor(Date.parse(event.timestamp) / 1000),
    text: objectDisplayName(event),
    tags: ['flux', event.reportingController, ...metadata, `kind: ${kind}`, `name: ${name}`, `namespace: ${namespace}`],
  };
}
