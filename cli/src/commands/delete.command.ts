import { Command } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { confirm } from '../shared/output';
import { ALERT, GIT_REPOSITORY, getOrFail, HELM_CHART, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, locate, PROVIDER, RECEIVER, type FluxKind } from '../shared/flux-kinds';

/** `ferry delete source git|helm|chart|kustomization|helmrelease|alert|alert-provider|receiver NAME [--silent]`. */
export function deleteCommand(environment: CliEnvironment): Command {
  const root = new Command('delete').description('Delete sources and resources');
  const source = new Command('source').description('Delete sources');
  source.addCommand(kindCommand(environment, new Command('git'), GIT_REPOSITORY, 'source git'));
  source.addCommand(kindCommand(environment, new Command('helm'), HELM_REPOSITORY, 'source helm'));
  source.addCommand(kindCommand(environment, new Command('chart'), HELM_CHART, 'source chart'));
  root.addCommand(source);
  root.addCommand(kindCommand(environment, new Command('kustomization').alias('ks'), KUSTOMIZATION, 'kustomization'));
  root.addCommand(kindCommand(environment, new Command('helmrelease').alias('hr'), HELM_RELEASE, 'helmrelease'));
  root.addCommand(kindCommand(environment, new Command('alert'), ALERT, 'alert'));
  root.addCommand(kindCommand(environment, new Command('alert-provider'), PROVIDER, 'alert provider'));
  root.addCommand(kindCommand(environment, new Command('receiver'), RECEIVER, 'receiver'));
  return root;
}

function kindCommand(environment: CliEnvironment, command: Command, kind: FluxKind, noun: string): Command {
  return command
    .description(`Delete a ${kind.kind}`)
    .argument('<name>', `${kind.kind} name`)
    .option('-s, --silent', 'delete resource without asking for confirmation')
    .action(async (name: string, flags: { silent?: boolean }, cmd: Command) => {
      const ctx = CliContext.of(environment, cmd);
      await getOrFail(ctx, kind, name);
      if (!flags.silent && !(await confirm(`Are you sure you want to delete this ${noun}`))) {
        throw new Error(`deletion of ${kind.kind} ${name} cancelled`);
      }
      ctx.print.action(`deleting ${noun} ${name} in ${ctx.namespace} namespace`);
      await ctx.kube().delete(locate(kind, name, ctx.namespace));
      ctx.print.success(`${noun} deleted`);
    });
}
