import { Command } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { GIT_REPOSITORY, getOrFail, HELM_CHART, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, RECEIVER, requestReconcile, waitForReady, type FluxKind } from '../shared/flux-kinds';

/**
 * `ferry reconcile source git|helm|chart NAME`, `ferry reconcile kustomization|helmrelease NAME [--with-source]`,
 * `ferry reconcile receiver NAME`.
 */
export function reconcileCommand(environment: CliEnvironment): Command {
  const reconcile = new Command('reconcile').description('Reconcile sources and resources');
  const source = new Command('source').description('Reconcile sources');
  for (const [name, kind] of [['git', GIT_REPOSITORY], ['helm', HELM_REPOSITORY], ['chart', HELM_CHART]] as const) {
    source.addCommand(
      new Command(name)
        .description(`Reconcile a ${kind.kind} source`)
        .argument('<name>', `${kind.kind} name`)
        .action(async (objectName: string, _flags: unknown, command: Command) => {
          await reconcileObject(CliContext.of(environment, command), kind, objectName);
        }),
    );
  }
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
    new Command('helmrelease')
      .alias('hr')
      .description('Reconcile a HelmRelease resource')
      .argument('<name>', 'HelmRelease name')
      .option('--with-source', 'reconcile the HelmRelease chart first')
      .action(async (name: string, flags: { withSource?: boolean }, command: Command) => {
        const ctx = CliContext.of(environment, command);
        const object = await getOrFail(ctx, HELM_RELEASE, name);
        if (flags.withSource) {
          const chart = helmChartOf(object.spec ?? {}, ctx.namespace, name);
          await reconcileObject(ctx.inNamespace(chart.namespace), HELM_CHART, chart.name);
        }
        await reconcileObject(ctx, HELM_RELEASE, name);
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

/**
 * The HelmChart a HelmRelease takes its chart from: `spec.chartRef` when it names a HelmChart, else the one
 * helm-controller generates from `spec.chart` (`<namespace>-<name>` in the namespace of the chart's source).
 */
function helmChartOf(spec: Record<string, unknown>, namespace: string, name: string): { namespace: string; name: string } {
  const chartRef = spec['chartRef'] as { kind?: string; name?: string; namespace?: string } | undefined;
  if (chartRef) {
    if (chartRef.kind !== 'HelmChart' || !chartRef.name) throw new Error(`HelmRelease ${name}: chart source kind ${chartRef.kind ?? '(none)'} cannot be reconciled by ferry`);
    return { namespace: chartRef.namespace ?? namespace, name: chartRef.name };
  }
  const sourceRef = (spec['chart'] as { spec?: { sourceRef?: { namespace?: string } } } | undefined)?.spec?.sourceRef;
  if (!sourceRef) throw new Error(`HelmRelease ${name} has neither spec.chart nor spec.chartRef`);
  return { namespace: sourceRef.namespace ?? namespace, name: `${namespace}-${name}` };
}
