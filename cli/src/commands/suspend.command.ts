import { Command } from 'commander';
import { RECONCILE_REQUESTED_AT_ANNOTATION } from '@ferry/contracts';
import { CliContext, FIELD_MANAGER, type CliEnvironment } from '../shared/cli-context';
import { ALERT, GIT_REPOSITORY, getOrFail, HELM_CHART, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, locate, RECEIVER, waitForReady, type FluxKind } from '../shared/flux-kinds';

type Verb = 'suspend' | 'resume';

/** `ferry suspend source git|helm|chart|kustomization|helmrelease|alert|receiver NAME`: sets `spec.suspend`, as `flux suspend` does. */
export function suspendCommand(environment: CliEnvironment): Command {
  return verbCommand(environment, 'suspend');
}

/** `ferry resume source git|helm|chart|kustomization|helmrelease|alert|receiver NAME`: clears `spec.suspend`, then waits for a reconcile like `flux resume`. */
export function resumeCommand(environment: CliEnvironment): Command {
  return verbCommand(environment, 'resume');
}

function verbCommand(environment: CliEnvironment, verb: Verb): Command {
  const root = new Command(verb).description(verb === 'suspend' ? 'Suspend reconciliation of resources' : 'Resume suspended resources');
  const source = new Command('source').description(`${verb} sources`);
  source.addCommand(kindCommand(environment, verb, new Command('git'), GIT_REPOSITORY, 'source git'));
  source.addCommand(kindCommand(environment, verb, new Command('helm'), HELM_REPOSITORY, 'source helm'));
  source.addCommand(kindCommand(environment, verb, new Command('chart'), HELM_CHART, 'source chart'));
  root.addCommand(source);
  root.addCommand(kindCommand(environment, verb, new Command('kustomization').alias('ks'), KUSTOMIZATION, 'kustomization'));
  root.addCommand(kindCommand(environment, verb, new Command('helmrelease').alias('hr'), HELM_RELEASE, 'helmrelease'));
  root.addCommand(kindCommand(environment, verb, new Command('alert'), ALERT, 'alert'));
  root.addCommand(kindCommand(environment, verb, new Command('receiver'), RECEIVER, 'receiver'));
  return root;
}

function kindCommand(environment: CliEnvironment, verb: Verb, command: Command, kind: FluxKind, noun: string): Command {
  return command
    .description(`${verb} reconciliation of a ${kind.kind}`)
    .argument('<name>', `${kind.kind} name`)
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const ctx = CliContext.of(environment, cmd);
      await getOrFail(ctx, kind, name);
      ctx.print.action(`${verb === 'suspend' ? 'suspending' : 'resuming'} ${noun} ${name} in ${ctx.namespace} namespace`);
      // Resuming also requests a reconcile, so the wait below ends at the controller's next pass, not the interval's.
      // Alerts are static (v1beta3): nothing reconciles them, so there is nothing to wait for.
      const requestedAt = verb === 'resume' && kind !== ALERT ? new Date().toISOString() : undefined;
      await ctx.kube().mergePatch(
        locate(kind, name, ctx.namespace),
        {
          spec: { suspend: verb === 'suspend' },
          ...(requestedAt ? { metadata: { annotations: { [RECONCILE_REQUESTED_AT_ANNOTATION]: requestedAt } } } : {}),
        },
        { fieldManager: FIELD_MANAGER },
      );
      ctx.print.success(`${noun} ${verb === 'suspend' ? 'suspended' : 'resumed'}`);
      if (!requestedAt) return;
      ctx.print.waiting(`waiting for ${kind.kind} reconciliation`);
      const ready = await waitForReady(ctx, kind, name, requestedAt);
      ctx.print.success(`${kind.kind} reconciliation completed`);
      const revision = kind.revisionOf(ready);
      if (revision) ctx.print.success(kind.revisionLine(revision));
    });
}
