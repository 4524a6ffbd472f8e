import { Command } from 'commander';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { ALERT, GIT_REPOSITORY, HELM_CHART, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, PROVIDER, RECEIVER, readyAndMessage, type FluxKind, type FluxObject } from '../shared/flux-kinds';
import { formatTable, ReportedFailure } from '../shared/output';

interface GetFlags {
  allNamespaces?: boolean;
  labelSelector?: string;
  statusSelector?: string;
}

/** The columns `flux get` prints for a kind, after NAME (and NAMESPACE with -A). */
interface Listing {
  kind: FluxKind;
  header: string[];
  cells(item: FluxObject): string[];
  /** Static kinds (v1beta3 Alert, Provider) have no conditions: flux shows them Ready and never matches a status selector. */
  static?: boolean;
}

const suspended = (item: FluxObject) => (item.spec?.suspend ? 'True' : 'False');

const withRevision = (kind: FluxKind): Listing => ({
  kind,
  header: ['REVISION', 'SUSPENDED', 'READY', 'MESSAGE'],
  cells: (item) => {
    const { ready, message } = readyAndMessage(item);
    return [kind.revisionOf(item), suspended(item), ready, message];
  },
});

const LISTINGS = {
  git: withRevision(GIT_REPOSITORY),
  helm: withRevision(HELM_REPOSITORY),
  chart: withRevision(HELM_CHART),
  kustomization: withRevision(KUSTOMIZATION),
  helmrelease: withRevision(HELM_RELEASE),
  alert: { kind: ALERT, header: ['SUSPENDED', 'READY', 'MESSAGE'], cells: (item) => [suspended(item), 'True', 'Alert is Ready'], static: true },
  provider: { kind: PROVIDER, header: ['READY', 'MESSAGE'], cells: () => ['True', 'Provider is Ready'], static: true },
  receiver: {
    kind: RECEIVER,
    header: ['SUSPENDED', 'READY', 'MESSAGE'],
    cells: (item) => {
      const { ready, message } = readyAndMessage(item);
      return [suspended(item), ready, message];
    },
  },
} satisfies Record<string, Listing>;

/** `ferry get sources git|helm|chart | kustomizations | helmreleases | alerts | alert-providers | receivers | all`: Flux's tables. */
export function getCommand(environment: CliEnvironment): Command {
  const get = new Command('get').description('Get the resources and their status');
  const sources = new Command('sources').alias('source').description('Get source statuses');
  sources.addCommand(getKind(environment, new Command('git').description('Get GitRepository source statuses'), LISTINGS.git));
  sources.addCommand(getKind(environment, new Command('helm').description('Get HelmRepository source statuses'), LISTINGS.helm));
  sources.addCommand(getKind(environment, new Command('chart').description('Get HelmChart statuses'), LISTINGS.chart));
  get.addCommand(sources);
  get.addCommand(
    getKind(environment, new Command('kustomizations').aliases(['kustomization', 'ks']).description('Get Kustomization statuses'), LISTINGS.kustomization),
  );
  get.addCommand(
    getKind(environment, new Command('helmreleases').aliases(['helmrelease', 'hr']).description('Get HelmRelease statuses'), LISTINGS.helmrelease),
  );
  get.addCommand(getKind(environment, new Command('alerts').alias('alert').description('Get Alert statuses'), LISTINGS.alert));
  get.addCommand(getKind(environment, new Command('alert-providers').alias('alert-provider').description('Get Provider statuses'), LISTINGS.provider));
  get.addCommand(getKind(environment, new Command('receivers').alias('receiver').description('Get Receiver statuses'), LISTINGS.receiver));
  get.addCommand(
    withAllNamespaces(new Command('all'))
      .description('Get all resources and statuses')
      .action(async (flags: GetFlags, command: Command) => {
        const ctx = CliContext.of(environment, command);
        // As flux get all: one table per kind that has objects, each followed by a blank line; nothing when empty.
        for (const listing of [LISTINGS.git, LISTINGS.helm, LISTINGS.chart, LISTINGS.kustomization, LISTINGS.helmrelease]) {
          const items = await listKind(ctx, listing, flags);
          if (items.length) ctx.print.data(`${table(listing, items, flags, true)}\n`);
        }
      }),
  );
  return get;
}

function withAllNamespaces(command: Command): Command {
  return command
    .option('-A, --all-namespaces', 'list the requested object(s) across all namespaces')
    .option('-l, --label-selector <selector>', 'filter objects by label selector')
    .option('--status-selector <type=status>', 'specify the status condition name and the desired state to filter the get result, e.g. ready=false');
}

function getKind(environment: CliEnvironment, command: Command, listing: Listing): Command {
  const { kind } = listing;
  return withAllNamespaces(command)
    .argument('[name]', 'only this object')
    .action(async (name: string | undefined, flags: GetFlags, cmd: Command) => {
      const ctx = CliContext.of(environment, cmd);
      const items = (await listKind(ctx, listing, flags)).filter((item) => !name || item.metadata.name === name);
      // flux's lines; an empty list exits 0 as in flux, but a named object that is missing exits 1 (flux exits 0
      // there too), so scripts can test for it.
      if (items.length === 0) {
        if (!name) {
          ctx.print.failure(`no ${kind.kind} objects found in ${scope(ctx, flags)} namespace`);
          return;
        }
        ctx.print.failure(`${kind.kind} object '${name}' not found in ${scope(ctx, flags)} namespace`);
        throw new ReportedFailure(`${kind.kind} ${name} not found`);
      }
      ctx.print.data(table(listing, items, flags, false));
    });
}

function scope(ctx: CliContext, flags: GetFlags): string {
  return flags.allNamespaces ? 'any' : JSON.stringify(ctx.namespace);
}

async function listKind(ctx: CliContext, listing: Listing, flags: GetFlags): Promise<FluxObject[]> {
  const { kind } = listing;
  const status = statusSelector(flags.statusSelector);
  if (status && listing.static) return [];
  const { items } = await ctx.kube().list<FluxObject>(kind.apiVersion, kind.kind, {
    ...(flags.allNamespaces ? {} : { namespace: ctx.namespace }),
    ...(flags.labelSelector ? { labelSelector: flags.labelSelector } : {}),
  });
  const matching = status
    ? items.filter((item) => item.status?.conditions?.some((c) => c.type.toLowerCase() === status.type && c.status.toLowerCase() === status.status))
    : items;
  return matching.sort(
    (a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name),
  );
}

function statusSelector(selector: string | undefined): { type: string; status: string } | undefined {
  if (!selector) return undefined;
  const [type, status, ...rest] = selector.split('=');
  if (!type || !status || rest.length) throw new Error(`expected status selector in type=status format, but found: ${selector}`);
  return { type: type.toLowerCase(), status: status.toLowerCase() };
}

function table(listing: Listing, items: FluxObject[], flags: GetFlags, prefixed: boolean): string {
  const header = [...(flags.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...listing.header];
  const rows = items.map((item) => [
    ...(flags.allNamespaces ? [item.metadata.namespace ?? ''] : []),
    prefixed ? `${listing.kind.lowerKind}/${item.metadata.name}` : item.metadata.name,
    ...listing.cells(item),
  ]);
  return formatTable(header, rows);
}
