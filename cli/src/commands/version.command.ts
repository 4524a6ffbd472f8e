import { Command } from 'commander';
import { ferryVersion } from '../version';

/** `ferry version`: prints the CLI's version, as `flux version --client` does. */
export function versionCommand(): Command {
  return new Command('version').description('Print the ferry version').action(() => {
    process.stdout.write(`ferry: v${ferryVersion()}\n`);
  });
}
