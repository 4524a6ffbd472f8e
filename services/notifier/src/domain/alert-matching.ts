import type { Alert } from '@ferry/contracts';
import type { FluxEvent } from './flux-event';

/** An Alert with its regexes compiled: what matching needs. */
export interface CompiledAlert {
  alert: Alert;
  inclusion: RegExp[];
  exclusion: RegExp[];
}

/** Why an Alert cannot be used: names the field, for the Ready condition and the log. */
export class InvalidAlertError extends Error {
  override readonly name = 'InvalidAlertError';
}

function compileList(alert: Alert, field: 'inclusionList' | 'exclusionList'): RegExp[] {
  return (alert.spec[field] ?? []).map((pattern, index) => {
    try {
      return new RegExp(pattern);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidAlertError(`spec.${field}[${index}] "${pattern}" is not a valid regular expression: ${reason}`);
    }
  });
}

/** Compiles an Alert's regexes; throws an InvalidAlertError naming the bad field. */
export function compileAlert(alert: Alert): CompiledAlert {
  for (const [index, source] of alert.spec.eventSources.entries()) {
    if (source.matchLabels && source.name !== '*') {
      throw new InvalidAlertError(`spec.eventSources[${index}].matchLabels requires name "*" (got "${source.name}")`);
    }
  }
  return { alert, inclusion: compileList(alert, 'inclusionList'), exclusion: compileList(alert, 'exclusionList') };
}

/** Labels of the event's object, read only when a `matchLabels` source needs them. */
export type LabelsLookup = () => Record<string, string> | undefined;

/** Whether one of the Alert's event sources names the event's object (`*` + matchLabels included). */
export function matchesEventSource(alert: Alert, event: FluxEvent, labelsOf: LabelsLookup): boolean {
  const object = event.involvedObject;
  const alertNamespace = alert.metadata.namespace ?? 'default';
  return alert.spec.eventSources.some((source) => {
    if (source.kind !== object.kind) return false;
    if ((source.namespace ?? alertNamespace) !== object.namespace) return false;
    if (source.name !== '*') return source.name === object.name;
    if (!source.matchLabels) return true;
    const labels = labelsOf() ?? {};
    return Object.entries(source.matchLabels).every(([key, value]) => labels[key] === value);
  });
}

/**
 * Flux's dispatch rules: a suspended alert gets nothing; an `error` alert gets only error events; the
 * message must match one inclusion regex (when there are any) and no exclusion regex.
 */
export function alertMatches(compiled: CompiledAlert, event: FluxEvent, labelsOf: LabelsLookup): boolean {
  const { alert } = compiled;
  if (alert.spec.suspend) return false;
  if (alert.spec.eventSeverity === 'error' && event.severity !== 'error') return false;
  if (!matchesEventSource(alert, event, labelsOf)) return false;
  if (compiled.inclusion.length > 0 && !compiled.inclusion.some((regex) => regex.test(event.message))) return false;
  if (compiled.exclusion.some((regex) => regex.test(event.message))) return false;
  return true;
}

/**
 * The event as this alert sends it: `eventMetadata` added without overriding the emitter's keys (Flux keeps the
 * original value), and `summary` as metadata when the alert sets one.
 */
export function enrichForAlert(alert: Alert, event: FluxEvent): FluxEvent {
  const extra = { ...(alert.spec.eventMetadata ?? {}), ...(alert.spec.summary ? { summary: alert.spec.summary } : {}) };
  if (Object.keys(extra).length === 0) return event;
  return { ...event, metadata: { ...extra, ...(event.metadata ?? {}) } };
}
