import { Command } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { GIT_REPOSITORY, getOrFail, KUSTOMIZATION, RECEIVER, requestReconcile, waitForReady, type FluxKind } from '../shared/flux-kinds';

/** `ferry reconcile source git NAME`, `ferry reconcile kustomization NAME [--with-source]`, `ferry reconcile receiver NAME`. */
export function reconcileCommand(environment: CliEnvironment): Command {
  const reconcile = new Command('reconcile').description('Reconcile sources and resources');
  const source = new Command('source').description('Reconcile sources');
  source.addCommand(
    new Command('git')
      .description('Reconcile a GitRepository source')
      .argument('<name>', 'GitRepository name')
      .action(async (name: string, _flags: unknown, command: Command) => {
        await reconcileObject(CliContext.of(environment, command), GIT_REPOSITORY, name);
      }),
  );
  reconcile.addCommand(source);
  reconcile.addCommand(
    new Command('kustomization')
      .alias('ks')
      .description('Reconcile a Kustomization resource')
      .argument('<name>', 'Kustomization name')
      .option('--with-source', 'reconcile the Kustomization source first')
      .action(async (name: string, flags: { withSource?: boolean }, command: Command) => {
        const ctx = CliContext.of(environment, command);
        const object = await getOrFail(ctx, KUSTOMIZATION, name);
        if (flags.withSource) {
          const sourceRef = object.spec?.sourceRef;
          if (sourceRef?.kind !== 'GitRepository') {
            throw new Error(`Kustomization ${name}: source kind ${sourceRef?.kind ?? '(none)'} cannot be reconciled by ferry`);
          }
          const sourceCtx = sourceRef.namespace ? ctx.inNamespace(sourceRef.namespace) : ctx;
          await reconcileObject(sourceCtx, GIT_REPOSITORY, sourceRef.name);
        }
        await reconcileObject(ctx, KUSTOMIZATION, name);
      }),
  );
  reconcile.addCommand(
    new Command('receiver')
      .description('Reconcile a Receiver')
      .argument('<name>', 'Receiver name')
      .action(async (name: string, _flags: unknown, command: Command) => {
        await reconcileObject(CliContext.of(environment, command), RECEIVER, name);
      }),
  );
  return reconcile;
}

/** Flux's reconcile: annotate with requestedAt, wait until the controller handled it and the object is Ready. */
export async function reconcileObject(ctx: CliContext, kind: FluxKind, name: string): Promise<void> {
  const object = await getOrFail(ctx, kind, name);
  if (object.spec?.suspend) throw new Error(`${kind.kind} ${name} in ${ctx.namespace} namespace is suspended: resume it first`);
  ctx.print.action(`annotating ${kind.kind} ${name} in ${ctx.namespace} namespace`);
  const requestedAt = await requestReconcile(ctx, kind, name);
  ctx.print.success(`${kind.kind} annotated`);
  ctx.print.waiting(`waiting for ${kind.kind} reconciliation`);
  const ready = await waitForReady(ctx, kind, name, requestedAt);
  const revision = kind.revisionOf(ready);
  ctx.print.success(revision ? kind.revisionLine(revision) : `${kind.kind} reconciliation completed`);
}
