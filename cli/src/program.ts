import { Command } from 'commander';
import { versionCommand } from './commands/version.command';
import { buildCommand } from './commands/build.command';
import { ferryVersion } from './version';

/** Builds the `ferry` command tree; kept separate from main.ts so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = new Command('ferry')
    .description('Ferry: GitOps for Kubernetes, event-sourced, speaking the Flux API')
    .version(`v${ferryVersion()}`, '-v, --version')
    .showHelpAfterError();
  program.addCommand(versionCommand());
  program.addCommand(buildCommand());
  return program;
}
