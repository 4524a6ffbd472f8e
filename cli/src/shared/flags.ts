import { InvalidArgumentError } from 'commander';
import { formatDuration, parseDuration } from '@ferry/contracts';

/** Parses a Go duration flag (`30s`, `1m`), normalised as Flux writes it (`1m0s`). */
export function durationFlag(value: string): string {
  try {
    return formatDuration(parseDuration(value));
  } catch {
    throw new InvalidArgumentError(`invalid duration "${value}": use a Go duration such as 30s, 5m or 1h`);
  }
}

/** Collects a repeatable flag; comma-separated values are split as Cobra's string slices do. */
export function listFlag(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

/** Splits `Kind/name` (a source or resource reference), naming the flag when it does not parse. */
export function kindName(value: string, flag: string): { kind: string; name: string } {
  const match = /^([A-Za-z][A-Za-z0-9]*)\/([^/]+)$/.exec(value);
  if (!match?.[1] || !match[2]) throw new Error(`invalid ${flag} "${value}": expected <kind>/<name>`);
  return { kind: match[1], name: match[2] };
}

/** Parses `key=value` labels (`--label`). */
export function labelsOf(values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const labels: Record<string, string> = {};
  for (const value of values) {
    const [key, ...rest] = value.split('=');
    if (!key || rest.length === 0) throw new Error(`invalid --label "${value}": expected <key>=<value>`);
    labels[key] = rest.join('=');
  }
  return labels;
}
