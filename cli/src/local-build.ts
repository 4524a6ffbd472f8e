import { Command, CommanderError } from 'commander';
import { buildCommand } from './commands/build.command';
import type { CliEnvironment } from './shared/cli-context';
import { processIo } from './shared/output';

// `ferry build kustomization` is local and offline, yet the full program loads the kube client, the event
// store and every other command first, which is most of the process's run time on small inputs. Invocations that
// use only the build command's own options run here, with nothing else loaded; any other form (global flags,
// help) goes through the full program, so the command behaves the same either way.
const BUILD_OPTIONS = new Set(['--reorder', '--load-restrictor']);

/** Whether `args` are a `build kustomization` that the local program runs exactly as the full one would. */
export function isLocalBuild(args: readonly string[]): boolean {
  if (args[0] !== 'build' || args[1] !== 'kustomization') return false;
  return args.slice(2).every((a) => !a.startsWith('-') || BUILD_OPTIONS.has(a.split('=')[0] ?? a));
}

/** Runs `ferry build kustomization …` with only the build command loaded; resolves with the exit code. */
export async function runLocalBuild(
  args: string[],
  environment: CliEnvironment = { io: processIo, env: process.env, pollIntervalMs: 2000 },
): Promise<number> {
  const program = new Command('ferry').addCommand(buildCommand(environment));
  routeOutput(program, environment);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    environment.io.err(`✗ ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// The same output routing as the full program's (program.ts).
function routeOutput(command: Command, environment: CliEnvironment): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => environment.io.out(text),
    writeErr: (text) => environment.io.err(text),
    outputError: (text, write) => write(`✗ ${text.replace(/^error: /, '')}`),
  });
  for (const sub of command.commands) routeOutput(sub, environment);
}
