import { Command } from 'commander';
import { formatDuration, type FerryEvent } from '@ferry/contracts';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { readEventLog, storeUrls, subjectOf, type LoggedEvent } from '../shared/event-log';
import { kindName } from '../shared/flags';
import { formatTable } from '../shared/output';

interface EventsFlags {
  for?: string;
  allNamespaces?: boolean;
  databaseUrl?: string;
}

/** `ferry events [--for Kind/name] [-A]`: the event store's log, in `flux events` columns. */
export function eventsCommand(environment: CliEnvironment): Command {
  return new Command('events')
    .description('Display the events Ferry recorded for its objects')
    .option('--for <kind/name>', 'only the events of this object')
    .option('-A, --all-namespaces', 'events of every namespace')
    .option('--database-url <url>', 'event store: postgres://… or sqlite:<path> (default: DATABASE_URL, else .ferry/*.db)')
    .action(async (flags: EventsFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const only = flags.for ? kindName(flags.for, '--for') : undefined;
      const log = await readEventLog(storeUrls(flags.databaseUrl, environment.env, environment.cwd), ctx.print);
      const selected = log.filter(({ event }) => {
        const subject = subjectOf(event);
        if (!flags.allNamespaces && subject.namespace !== ctx.namespace) return false;
        return !only || (subject.kind === only.kind && subject.name === only.name);
      });
      if (selected.length === 0) {
        ctx.print.failure(`no events found${only ? ` for ${only.kind}/${only.name}` : ''} in ${flags.allNamespaces ? 'any namespace' : `${ctx.namespace} namespace`}`);
        return;
      }
      const header = ['TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      if (flags.allNamespaces) header.splice(0, 0, 'NAMESPACE');
      const rows = selected.map((logged) => row(logged, Boolean(flags.allNamespaces)));
      ctx.print.data(formatTable(header, rows));
    });
}

function row({ event }: LoggedEvent, withNamespace: boolean): string[] {
  const subject = subjectOf(event);
  const { type, reason, message } = describeEvent(event);
  return [...(withNamespace ? [subject.namespace] : []), event.occurredAt, type, reason, `${subject.kind}/${subject.name}`, message];
}

/** Flux's event vocabulary for a stored event: Normal/Warning, a reason, a one-line message. */
export function describeEvent(event: FerryEvent): { type: 'Normal' | 'Warning'; reason: string; message: string } {
  switch (event.type) {
    case 'ArtifactReady':
      return { type: 'Normal', reason: 'NewArtifact', message: `stored artifact for revision '${event.revision}'` };
    case 'Applied': {
      const counts = new Map<string, number>();
      for (const change of event.changeSet) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
      const summary = [...counts].map(([action, count]) => `${count} ${action}`).join(', ');
      return { type: 'Normal', reason: 'ReconciliationSucceeded', message: `Applied revision: ${event.revision}${summary ? ` (${summary})` : ''}` };
    }
    case 'Failed':
      return { type: 'Warning', reason: event.reason, message: `${event.stage} failed: ${event.message.split('\n')[0] ?? ''}` };
    case 'ReconcileRequested':
      return { type: 'Normal', reason: 'ReconcileRequested', message: `reconcile requested by ${event.reason} at ${event.requestedAt}` };
    case 'ReconcileFinished':
      return {
        type: event.outcome === 'failed' ? 'Warning' : 'Normal',
        reason: event.reason,
        message: `Reconciliation ${event.outcome} in ${formatDuration(event.durationMs)}${event.message ? `: ${event.message.split('\n')[0] ?? ''}` : ''}`,
      };
    case 'NotificationAttempted':
      return {
        type: event.outcome === 'failed' ? 'Warning' : 'Normal',
        reason: event.outcome === 'failed' ? 'NotificationFailed' : 'NotificationSent',
        message: `${event.provider.type} provider ${event.provider.namespace}/${event.provider.name} (alert ${event.alert.name}): ${event.outcome}${event.error ? `: ${event.error}` : ''}`,
      };
  }
}
