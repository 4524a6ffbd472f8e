import { Command, CommanderError, Option } from 'commander';
import { KubeApiError } from '@ferry/kube';
import { versionCommand } from './commands/version.command';
import { buildCommand } from './commands/build.command';
import { checkCommand } from './commands/check.command';
import { createCommand } from './commands/create.command';
import { getCommand } from './commands/get.command';
import { reconcileCommand } from './commands/reconcile.command';
import { resumeCommand, suspendCommand } from './commands/suspend.command';
import { deleteCommand } from './commands/delete.command';
import { installCommand, uninstallCommand } from './commands/install.command';
import { diffCommand } from './commands/diff.command';
import { eventsCommand } from './commands/events.command';
import { historyCommand } from './commands/history.command';
import { logsCommand } from './commands/logs.command';
import { bootstrapCommand } from './commands/bootstrap.command';
import { DEFAULT_NAMESPACE, type CliEnvironment } from './shared/cli-context';
import { durationFlag } from './shared/flags';
import { processIo, ReportedFailure } from './shared/output';
import { ferryVersion } from './version';

/** The environment of a real `ferry` process. */
export function processEnvironment(): CliEnvironment {
  return { io: processIo, env: process.env, pollIntervalMs: 2000 };
}

/** Builds the `ferry` command tree; kept separate from main.ts so tests can run commands in-process. */
export function buildProgram(environment: CliEnvironment = processEnvironment()): Command {
  const program = new Command('ferry')
    .description('Ferry: GitOps for Kubernetes, event-sourced, speaking the Flux API')
    .version(`v${ferryVersion()}`, '-v, --version')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubernetes context to use')
    .option('-n, --namespace <namespace>', 'the namespace scope for this operation', DEFAULT_NAMESPACE)
    .addOption(new Option('--timeout <duration>', 'timeout for this operation').default('5m0s').argParser(durationFlag))
    .showHelpAfterError();
  program.addCommand(versionCommand(environment));
  program.addCommand(buildCommand(environment));
  program.addCommand(checkCommand(environment));
  program.addCommand(createCommand(environment));
  program.addCommand(getCommand(environment));
  program.addCommand(reconcileCommand(environment));
  program.addCommand(suspendCommand(environment));
  program.addCommand(resumeCommand(environment));
  program.addCommand(deleteCommand(environment));
  program.addCommand(installCommand(environment));
  program.addCommand(uninstallCommand(environment));
  program.addCommand(diffCommand(environment));
  program.addCommand(eventsCommand(environment));
  program.addCommand(historyCommand(environment));
  program.addCommand(logsCommand(environment));
  program.addCommand(bootstrapCommand(environment));
  routeOutput(program, environment);
  return program;
}

// addCommand() does not copy output settings to subcommands, so every command gets them here.
function routeOutput(command: Command, environment: CliEnvironment): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => environment.io.out(text),
    writeErr: (text) => environment.io.err(text),
    outputError: (text, write) => write(`✗ ${text.replace(/^error: /, '')}`),
  });
  for (const sub of command.commands) routeOutput(sub, environment);
}

/** Runs `ferry <args>` and resolves with its exit code: 0, or 1 after a ✗ line on stderr. */
export async function runFerry(args: string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  try {
    await buildProgram(environment).parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (!(error instanceof ReportedFailure)) environment.io.err(`✗ ${describeError(error)}\n`);
    return 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof KubeApiError) {
    const causes = error.causes.map((cause) => `${cause.field ? `${cause.field}: ` : ''}${cause.message ?? cause.reason ?? ''}`);
    return causes.length && !error.message.includes(causes[0] ?? '') ? `${error.message} (${causes.join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
