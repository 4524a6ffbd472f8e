import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';

/** One JSON log line of a Ferry service, in Flux's shape. */
interface LogEntry {
  level?: string;
  ts?: string;
  logger?: string;
  msg?: string;
  controllerKind?: string;
  name?: string;
  namespace?: string;
}

interface LogsFlags {
  kind?: string;
  name?: string;
  level?: string;
  allNamespaces?: boolean;
  tail?: string;
  since?: string;
  logDir?: string;
}

const LEVELS = ['debug', 'info', 'error'];

/**
 * `ferry logs`: the services' JSON logs (the files `npm start` writes to `.ferry/logs/`, or `--log-dir`), merged
 * in time order and filtered like `flux logs`: by kind, name, namespace and level.
 */
export function logsCommand(environment: CliEnvironment): Command {
  return new Command('logs')
    .description("Display the Ferry services' logs, filtered by object and level")
    .option('--kind <kind>', 'only lines about objects of this kind, e.g. Kustomization')
    .option('--name <name>', 'only lines about objects with this name')
    .addOption(new Option('--level <level>', 'only lines at this level').choices(LEVELS))
    .option('-A, --all-namespaces', 'lines about objects in every namespace')
    .option('--tail <lines>', 'only the last N lines')
    .option('--since <time>', 'only lines at or after this RFC 3339 time')
    .option('--log-dir <dir>', 'directory of the services\' *.log files (default: .ferry/logs)')
    .action((flags: LogsFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const dir = resolve(environment.cwd ?? process.cwd(), flags.logDir ?? join('.ferry', 'logs'));
      if (!existsSync(dir)) throw new Error(`no logs at ${dir}: start Ferry with npm start, or pass --log-dir`);
      const tail = flags.tail === undefined ? undefined : Number(flags.tail);
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new Error(`invalid --tail "${flags.tail}": must be a whole number`);
      const since = flags.since === undefined ? undefined : Date.parse(flags.since);
      if (since !== undefined && Number.isNaN(since)) throw new Error(`invalid --since "${flags.since}": must be an RFC 3339 time`);
      const entries = readdirSync(dir)
        .filter((file) => file.endsWith('.log'))
        .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').flatMap(parseLine))
        .filter((entry) => {
          if (flags.kind && entry.controllerKind?.toLowerCase() !== flags.kind.toLowerCase()) return false;
          if (flags.name && entry.name !== flags.name) return false;
          if (!flags.allNamespaces && entry.namespace !== undefined && entry.namespace !== ctx.namespace) return false;
          if (flags.level && entry.level !== flags.level) return false;
          return since === undefined || Date.parse(entry.ts ?? '') >= since;
        })
        .sort((a, b) => (a.ts ?? '').localeCompare(b.ts ?? ''));
      const shown = tail === undefined ? entries : entries.slice(Math.max(0, entries.length - tail));
      ctx.print.data(shown.map(formatEntry).join(''));
    });
}

function parseLine(line: string): LogEntry[] {
  if (!line.trim().startsWith('{')) return [];
  try {
    return [JSON.parse(line) as LogEntry];
  } catch {
    return [];
  }
}

/** Flux's line: `<ts> <level> <Kind>/<name>.<namespace> - <msg>`, or the logger for lines about no object. */
function formatEntry(entry: LogEntry): string {
  const subject = entry.controllerKind && entry.name ? `${entry.controllerKind}/${entry.name}.${entry.namespace ?? ''}` : (entry.logger ?? '');
  return `${entry.ts ?? ''} ${entry.level ?? ''} ${subject} - ${entry.msg ?? ''}\n`;
}
