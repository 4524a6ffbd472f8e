import { Command } from 'commander';
import { formatDuration, type AppliedV1, type ReconcileFinishedV1 } from '@ferry/contracts';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { readEventLog, storeUrls, subjectOf } from '../shared/event-log';
import { kindName } from '../shared/flags';
import { formatTable } from '../shared/output';

/** `ferry history <kind>/<name>`: every reconcile of an object with revision, duration, outcome and change set. */
export function historyCommand(environment: CliEnvironment): Command {
  return new Command('history')
    .description('Show the reconcile history of an object from the event store')
    .argument('<kind/name>', 'the object, e.g. Kustomization/apps')
    .option('--database-url <url>', 'event store: postgres://… or sqlite:<path> (default: DATABASE_URL, else .ferry/*.db)')
    .action(async (reference: string, flags: { databaseUrl?: string }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const { kind, name } = kindName(reference, '<kind/name>');
      const log = await readEventLog(storeUrls(flags.databaseUrl, environment.env, environment.cwd), ctx.print);
      const mine = log
        .map((logged) => logged.event)
        .filter((event) => {
          const subject = subjectOf(event);
          return subject.kind.toLowerCase() === kind.toLowerCase() && subject.name === name && subject.namespace === ctx.namespace;
        });
      const attempts = mine.filter((event): event is ReconcileFinishedV1 => event.type === 'ReconcileFinished');
      if (attempts.length === 0) throw new Error(`no reconcile history for ${kind}/${ctx.namespace}/${name}`);
      // An attempt's change set is the Applied event it was caused by, else the one of its correlation chain.
      const byId = new Map<string, AppliedV1>();
      const byCorrelation = new Map<string, AppliedV1>();
      for (const event of mine) {
        if (event.type !== 'Applied') continue;
        byId.set(event.id, event);
        byCorrelation.set(event.correlationId, event);
      }
      const changeSetOf = (attempt: ReconcileFinishedV1) =>
        ((attempt.causationId ? byId.get(attempt.causationId) : undefined) ?? byCorrelation.get(attempt.correlationId))?.changeSet ?? [];
      const table = formatTable(
        ['TIME', 'REVISION', 'DURATION', 'OUTCOME', 'REASON', 'MESSAGE'],
        attempts.map((attempt) => [
          attempt.occurredAt,
          attempt.revision ?? '-',
          formatDuration(attempt.durationMs),
          attempt.outcome,
          attempt.reason,
          attempt.message.split('\n')[0] ?? '',
        ]),
      ).split('\n');
      const out = [table[0] ?? ''];
      attempts.forEach((attempt, index) => {
        out.push(table[index + 1] ?? '');
        for (const change of changeSetOf(attempt)) {
          if (change.action !== 'unchanged') out.push(`  ${change.action === 'deleted' ? '✗' : change.action === 'created' ? '✚' : '►'} ${change.id} ${change.action}`);
        }
      });
      ctx.print.data(`${out.join('\n')}\n`);
    });
}
