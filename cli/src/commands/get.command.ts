import { Command } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { GIT_REPOSITORY, KUSTOMIZATION, readyAndMessage, type FluxKind, type FluxObject } from '../shared/flux-kinds';
import { formatTable } from '../shared/output';

interface GetFlags {
  allNamespaces?: boolean;
}

/** `ferry get sources git | kustomizations | all`: Flux's NAME, REVISION, SUSPENDED, READY, MESSAGE tables. */
export function getCommand(environment: CliEnvironment): Command {
  const get = new Command('get').description('Get the resources and their status');
  const sources = new Command('sources').alias('source').description('Get source statuses');
  sources.addCommand(getKind(environment, new Command('git').description('Get GitRepository source statuses'), GIT_REPOSITORY));
  get.addCommand(sources);
  get.addCommand(
    getKind(environment, new Command('kustomizations').aliases(['kustomization', 'ks']).description('Get Kustomization statuses'), KUSTOMIZATION),
  );
  get.addCommand(
    withAllNamespaces(new Command('all'))
      .description('Get all resources and statuses')
      .action(async (flags: GetFlags, command: Command) => {
        const ctx = CliContext.of(environment, command);
        const tables: string[] = [];
        for (const kind of [GIT_REPOSITORY, KUSTOMIZATION]) {
          const items = await listKind(ctx, kind, flags);
          if (items.length) tables.push(table(kind, items, flags, true));
        }
        if (tables.length === 0) {
          ctx.print.failure(`no Flux objects found in ${scope(ctx, flags)}`);
          return;
        }
        ctx.print.data(tables.join('\n'));
      }),
  );
  return get;
}

function withAllNamespaces(command: Command): Command {
  return command.option('-A, --all-namespaces', 'list the requested object(s) across all namespaces');
}

function getKind(environment: CliEnvironment, command: Command, kind: FluxKind): Command {
  return withAllNamespaces(command)
    .argument('[name]', 'only this object')
    .action(async (name: string | undefined, flags: GetFlags, cmd: Command) => {
      const ctx = CliContext.of(environment, cmd);
      const items = (await listKind(ctx, kind, flags)).filter((item) => !name || item.metadata.name === name);
      if (items.length === 0) {
        if (name) throw new Error(`${kind.kind} ${name} not found in ${ctx.namespace} namespace`);
        ctx.print.failure(`no ${kind.kind} objects found in ${scope(ctx, flags)}`);
        return;
      }
      ctx.print.data(table(kind, items, flags, false));
    });
}

function scope(ctx: CliContext, flags: GetFlags): string {
  return flags.allNamespaces ? 'any namespace' : `${ctx.namespace} namespace`;
}

async function listKind(ctx: CliContext, kind: FluxKind, flags: GetFlags): Promise<FluxObject[]> {
  const { items } = await ctx.kube().list<FluxObject>(kind.apiVersion, kind.kind, flags.allNamespaces ? {} : { namespace: ctx.namespace });
  return items.sort(
    (a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name),
  );
}

function table(kind: FluxKind, items: FluxObject[], flags: GetFlags, prefixed: boolean): string {
  const header = [...(flags.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'];
  const rows = items.map((item) => {
    const { ready, message } = readyAndMessage(item);
    return [
      ...(flags.allNamespaces ? [item.metadata.namespace ?? ''] : []),
      prefixed ? `${kind.lowerKind}/${item.metadata.name}` : item.metadata.name,
      kind.revisionOf(item),
      item.spec?.suspend ? 'True' : 'False',
      ready,
      message,
    ];
  });
  return formatTable(header, rows);
}
