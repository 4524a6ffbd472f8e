import { Command } from 'commander';
import type { CliEnvironment } from '../shared/cli-context';
import { ferryVersion } from '../version';

/** `ferry version`: prints the CLI's version, as `flux version --client` does. */
export function versionCommand(environment: CliEnvironment): Command {
  return new Command('version').description('Print the ferry version').action(() => {
    environment.io.out(`ferry: v${ferryVersion()}\n`);
  });
}
