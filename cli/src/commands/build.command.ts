import * as path from 'node:path';
import { Command, Option } from 'commander';
import { buildKustomization, NodeFileSystem, type LoadRestrictor, type Reorder } from '@ferry/kustomize';
import type { CliEnvironment } from '../shared/cli-context';

/** `ferry build kustomization <dir>`: prints the built YAML, as `kubectl kustomize <dir>` does. */
export function buildCommand(environment: CliEnvironment): Command {
  const build = new Command('build').description('Build resources locally');
  build
    .command('kustomization')
    .description('Build a kustomization directory and print the resulting YAML')
    .argument('<dir>', 'directory containing a kustomization.yaml')
    .addOption(new Option('--reorder <order>', 'output order: legacy (default, like kubectl) or none (input order, like Flux); overrides sortOptions').choices(['legacy', 'none']))
    .addOption(
      new Option('--load-restrictor <restrictor>', 'whether files may come from outside the kustomization root')
        .choices(['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'])
        .default('LoadRestrictionsRootOnly'),
    )
    .action((dir: string, opts: { reorder?: Reorder; loadRestrictor: LoadRestrictor }) => {
      const abs = path.resolve(dir);
      const out = buildKustomization(abs, {
        fs: new NodeFileSystem('/'),
        loadRestrictor: opts.loadRestrictor,
        reorder: opts.reorder,
      });
      environment.io.out(out);
    });
  return build;
}
