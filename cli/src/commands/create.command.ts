import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  alertSchema,
  GIT_REPOSITORY_API_VERSION,
  gitRepositorySchema,
  HELM_RELEASE_API_VERSION,
  HELM_SOURCE_API_VERSION,
  helmReleaseSchema,
  helmRepositorySchema,
  KUSTOMIZATION_API_VERSION,
  kustomizationSchema,
  NOTIFICATION_V1,
  NOTIFICATION_V1BETA3,
  providerSchema,
  providerTypeSchema,
  receiverSchema,
  receiverTypeSchema,
} from '@ferry/contracts';
import { mergeMaps } from '@ferry/helm';
import type { KubeObject } from '@ferry/kube';
import { applyObject, exportYaml, validated } from '../shared/apply';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { durationFlag, kindName, labelsOf, listFlag } from '../shared/flags';
import { confirm } from '../shared/output';
import { generateEd25519KeyPair, publicKeyOf, readKeyFile, scanKnownHosts } from '../shared/ssh-keys';
import { GIT_REPOSITORY, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, RECEIVER, waitForReady, type FluxKind } from '../shared/flux-kinds';

interface CommonFlags {
  export?: boolean;
  label?: string[];
}

/** `ferry create source git|helm|kustomization|helmrelease|alert-provider|alert|receiver`: Flux's generators, field for field. */
export function createCommand(environment: CliEnvironment): Command {
  const create = new Command('create').description('Create or update sources and resources');
  const source = new Command('source').description('Create or update sources');
  source.addCommand(createSourceGit(environment));
  source.addCommand(createSourceHelm(environment));
  create.addCommand(source);
  create.addCommand(createKustomization(environment));
  create.addCommand(createHelmRelease(environment));
  create.addCommand(createAlertProvider(environment));
  create.addCommand(createAlert(environment));
  create.addCommand(createReceiver(environment));
  return create;
}

function common(command: Command): Command {
  return command
    .option('--export', 'export in YAML format to stdout')
    .option('--label <key=value>', 'set labels on the resource (can specify multiple labels with commas)', listFlag);
}

function metadata(ctx: CliContext, name: string, flags: CommonFlags): KubeObject['metadata'] {
  const labels = labelsOf(flags.label);
  return { name, namespace: ctx.namespace, ...(labels ? { labels } : {}) };
}

/** How `flux create` reports the wait for each kind. */
interface WaitReport {
  kind: FluxKind;
  /** Printed when Ready: `GitRepository source reconciliation completed`, `Kustomization podinfo is ready`. */
  ready: (name: string) => string;
  /** Printed after it with the revision (flux create writes `fetched revision: …` with a colon, reconcile without). */
  revision: (revision: string) => string;
}

/** Prints the object (--export), or applies it ("created" or "updated") and, for reconciled kinds, waits for Ready. */
async function emit(ctx: CliContext, object: KubeObject, flags: CommonFlags, title: string, wait?: WaitReport): Promise<void> {
  if (flags.export) {
    ctx.print.data(exportYaml([object]));
    return;
  }
  ctx.print.action(`applying ${title}`);
  const existed = (await ctx.kube().get(object)) !== undefined;
  await applyObject(ctx, object);
  ctx.print.success(`${title} ${existed ? 'updated' : 'created'}`);
  if (!wait) return;
  ctx.print.waiting(`waiting for ${title} reconciliation`);
  const ready = await waitForReady(ctx, wait.kind, object.metadata.name);
  ctx.print.success(wait.ready(object.metadata.name));
  const revision = wait.kind.revisionOf(ready);
  if (!revision) throw new Error(`${wait.kind.kind} ${object.metadata.name} is ready but reports no revision`);
  ctx.print.success(wait.revision(revision));
}

function createSourceGit(environment: CliEnvironment): Command {
  return common(new Command('git'))
    .description('Create or update a GitRepository source')
    .argument('<name>', 'source name')
    .requiredOption('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
    .option('--branch <branch>', 'git branch')
    .option('--tag <tag>', 'git tag')
    .option('--tag-semver <range>', 'git tag semver range')
    .option('--ref-name <ref>', 'git reference name')
    .option('--commit <sha>', 'git commit')
    .addOption(new Option('--interval <duration>', 'source sync interval').default('1m0s').argParser(durationFlag))
    .option('--secret-ref <name>', 'the name of an existing secret containing SSH or basic credentials')
    .option('--username <username>', 'basic authentication username (with --password: stored in a Secret named after the source)')
    .option('--password <password>', 'basic authentication password')
    .option('--private-key-file <file>', 'path to a passwordless private key file used for authenticating to the Git SSH server')
    .addOption(new Option('--ssh-key-algorithm <algorithm>', 'SSH public key algorithm of a generated deploy key').choices(['ed25519']).default('ed25519'))
    .option('-s, --silent', 'assumes the deploy key is already set up, skips confirmation')
    .action(async (name: string, flags: CommonFlags & GitFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const basicAuth = basicAuthOf('GitRepository', name, flags);
      if (basicAuth && !/^https?:\/\//.test(flags.url)) throw new Error(`GitRepository ${name}: --username/--password need an http(s) --url`);
      if (flags.privateKeyFile && !flags.url.startsWith('ssh://')) throw new Error(`GitRepository ${name}: --private-key-file needs an ssh:// --url`);
      const object = gitRepository(ctx, name, flags);
      if (!flags.export) ctx.print.generate('generating GitRepository source');
      // As flux: credentials go into a Secret named after the source, which is not part of --export.
      if (basicAuth && !flags.export) await applyCredentials(ctx, object, basicAuth);
      if (flags.url.startsWith('ssh://') && !flags.secretRef && !flags.export) await applyCredentials(ctx, object, await sshCredentials(ctx, flags));
      await emit(ctx, object, flags, 'GitRepository source', {
        kind: GIT_REPOSITORY,
        ready: () => 'GitRepository source reconciliation completed',
        revision: (revision) => `fetched revision: ${revision}`,
      });
    });
}

/** `--username`/`--password` as a basic-auth Secret's data; both or neither, never beside --secret-ref. */
function basicAuthOf(kind: string, name: string, flags: { username?: string; password?: string; secretRef?: string }): { username: string; password: string } | undefined {
  if (flags.username === undefined && flags.password === undefined) return undefined;
  if (!flags.username || !flags.password) throw new Error(`basic authentication for ${kind} ${name} needs both --username and --password`);
  if (flags.secretRef) throw new Error(`${kind} ${name}: --secret-ref and --username/--password exclude each other`);
  return { username: flags.username, password: flags.password };
}

/**
 * As flux create source git over SSH: the given private key or a fresh deploy key pair (shown, and confirmed
 * unless --silent), with the host's keys scanned into known_hosts.
 */
async function sshCredentials(ctx: CliContext, flags: GitFlags): Promise<Record<string, string>> {
  const url = new URL(flags.url);
  let identity: string;
  let publicKey: string;
  if (flags.privateKeyFile) {
    identity = readKeyFile(flags.privateKeyFile);
    publicKey = publicKeyOf(identity);
  } else {
    ctx.print.generate('generating deploy key pair');
    ({ privateKey: identity, publicKey } = generateEd25519KeyPair());
    ctx.print.success(`deploy key: ${publicKey}`);
    if (!flags.silent && !(await confirm('Have you added the deploy key to your repository'))) {
      throw new Error('aborting: add the deploy key to the repository first, or pass --silent');
    }
  }
  ctx.print.generate(`collecting SSH host keys of ${url.hostname}`);
  return { identity, 'identity.pub': publicKey, known_hosts: await scanKnownHosts(url.hostname, url.port) };
}

/** As flux: credentials go into a Secret named after the source (never part of --export), referenced by secretRef. */
async function applyCredentials(ctx: CliContext, source: KubeObject, credentials: Record<string, string>): Promise<void> {
  const { name } = source.metadata;
  ctx.print.action('applying secret with repository credentials');
  await applyObject(ctx, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ctx.namespace }, type: 'Opaque', stringData: credentials } as KubeObject);
  (source['spec'] as { secretRef?: { name: string } }).secretRef = { name };
  ctx.print.success('authentication configured');
}

interface GitFlags {
  url: string;
  branch?: string;
  refName?: string;
  tag?: string;
  tagSemver?: string;
  commit?: string;
  interval: string;
  secretRef?: string;
  username?: string;
  password?: string;
  privateKeyFile?: string;
  silent?: boolean;
}

function gitRepository(ctx: CliContext, name: string, flags: GitFlags & CommonFlags): KubeObject {
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new Error(`invalid --url for GitRepository ${name}: not a URL`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['ssh', 'http', 'https'].includes(scheme)) {
    throw new Error(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  }
  if (!flags.branch && !flags.tag && !flags.tagSemver && !flags.commit && !flags.refName) {
    throw new Error(`a Git ref is required for GitRepository ${name}, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver`);
  }
  // Flux's precedence: commit (with its branch, when given), then ref name, semver, tag, branch.
  const ref = flags.commit
    ? { ...(flags.branch ? { branch: flags.branch } : {}), commit: flags.commit }
    : flags.refName
      ? { name: flags.refName }
      : flags.tagSemver
        ? { semver: flags.tagSemver }
        : flags.tag
          ? { tag: flags.tag }
          : { branch: flags.branch };
  return validated(gitRepositorySchema, {
    apiVersion: GIT_REPOSITORY_API_VERSION,
    kind: 'GitRepository',
    metadata: metadata(ctx, name, flags),
    spec: {
      interval: flags.interval,
      ref,
      ...(flags.secretRef ? { secretRef: { name: flags.secretRef } } : {}),
      url: flags.url,
    },
  });
}

interface KustomizationFlags extends CommonFlags {
  source?: string;
  path: string;
  prune?: boolean;
  interval: string;
  wait?: boolean;
  targetNamespace?: string;
  dependsOn?: string[];
  healthCheck?: string[];
  healthCheckTimeout: string;
}

function createKustomization(environment: CliEnvironment): Command {
  return common(new Command('kustomization'))
    .alias('ks')
    .description('Create or update a Kustomization resource')
    .argument('<name>', 'Kustomization name')
    .requiredOption('--source <source>', "source that contains the Kubernetes manifests, in the format '[<kind>/]<name>[.<namespace>]'")
    .option('--path <path>', 'path to the directory containing a kustomization.yaml file', './')
    .option('--prune', 'enable garbage collection')
    .addOption(new Option('--interval <duration>', 'source sync interval').default('1m0s').argParser(durationFlag))
    .option('--wait', 'enable health checking of all the applied resources')
    .option('--target-namespace <namespace>', 'overrides the namespace of all Kustomization objects reconciled by this Kustomization')
    .option('--depends-on <name>', "Kustomizations that must be ready first, '<name>' or '<namespace>/<name>'", listFlag)
    .option('--health-check <ref>', "workload to be included in the health assessment, in the format '<kind>/<name>.<namespace>'", listFlag)
    .addOption(new Option('--health-check-timeout <duration>', 'timeout of health checking operations').default('2m0s').argParser(durationFlag))
    .action(async (name: string, flags: KustomizationFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.export) ctx.print.generate('generating Kustomization');
      const object = kustomization(ctx, name, flags);
      await emit(ctx, object, flags, 'Kustomization', {
        kind: KUSTOMIZATION,
        ready: (ksName) => `Kustomization ${ksName} is ready`,
        revision: (revision) => `applied revision ${revision}`,
      });
    });
}

const HEALTH_CHECK_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'HelmRelease'];

function kustomization(ctx: CliContext, name: string, flags: KustomizationFlags): KubeObject {
  if (!flags.path.startsWith('./')) throw new Error(`invalid --path "${flags.path}" for Kustomization ${name}: path must begin with ./`);
  const source = /^(?:([A-Za-z]+)\/)?([^./]+)(?:\.([^./]+))?$/.exec(flags.source ?? '');
  if (!source?.[2]) throw new Error(`invalid --source "${flags.source}" for Kustomization ${name}: expected '[<kind>/]<name>[.<namespace>]'`);
  const sourceRef = { kind: source[1] ?? 'GitRepository', name: source[2], ...(source[3] ? { namespace: source[3] } : {}) };
  const dependsOn = dependencies(flags.dependsOn, 'Kustomization', name);
  // As flux: --wait checks every applied object, so explicit health checks only count without it.
  const healthChecks = (flags.wait ? [] : (flags.healthCheck ?? [])).map((check) => {
    const { kind, name: nameNs } = kindName(check, '--health-check');
    if (!HEALTH_CHECK_KINDS.includes(kind)) {
      throw new Error(`invalid health check kind '${kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet`);
    }
    const [objectName, namespace, ...rest] = nameNs.split('.');
    if (!objectName || !namespace || rest.length) {
      throw new Error(`invalid health check '${check}' must be in the format 'kind/name.namespace'`);
    }
    return { ...(kind === 'HelmRelease' ? { apiVersion: 'helm.toolkit.fluxcd.io/v2' } : {}), kind, name: objectName, namespace };
  });
  return validated(kustomizationSchema, {
    apiVersion: KUSTOMIZATION_API_VERSION,
    kind: 'Kustomization',
    metadata: metadata(ctx, name, flags),
    spec: {
      ...(dependsOn.length ? { dependsOn } : {}),
      ...(healthChecks.length ? { healthChecks } : {}),
      interval: flags.interval,
      path: flags.path,
      prune: flags.prune ?? false,
      sourceRef,
      ...(flags.targetNamespace ? { targetNamespace: flags.targetNamespace } : {}),
      ...(flags.wait || healthChecks.length ? { timeout: flags.healthCheckTimeout } : {}),
      ...(flags.wait ? { wait: true } : {}),
    },
  });
}

interface HelmRepositoryFlags extends CommonFlags {
  url: string;
  interval: string;
  secretRef?: string;
  username?: string;
  password?: string;
  passCredentials?: boolean;
  oci?: boolean;
}

function createSourceHelm(environment: CliEnvironment): Command {
  return common(new Command('helm'))
    .description('Create or update a HelmRepository source')
    .argument('<name>', 'source name')
    .requiredOption('--url <url>', 'Helm repository address, e.g. https://stefanprodan.github.io/podinfo')
    .addOption(new Option('--interval <duration>', 'source sync interval').default('1m0s').argParser(durationFlag))
    .option('--secret-ref <name>', 'the name of an existing secret containing TLS certificates or basic credentials')
    .option('--username <username>', 'basic authentication username (with --password: stored in a Secret named after the source)')
    .option('--password <password>', 'basic authentication password')
    .option('--pass-credentials', 'pass credentials to all domains')
    .option('--oci', 'the Helm repository is an OCI registry (oci:// address)')
    .action(async (name: string, flags: HelmRepositoryFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const basicAuth = basicAuthOf('HelmRepository', name, flags);
      if (!flags.export) ctx.print.generate('generating HelmRepository source');
      const object = validated(helmRepositorySchema, {
        apiVersion: HELM_SOURCE_API_VERSION,
        kind: 'HelmRepository',
        metadata: metadata(ctx, name, flags),
        spec: {
          interval: flags.interval,
          ...(flags.passCredentials ? { passCredentials: true } : {}),
          ...(flags.secretRef ? { secretRef: { name: flags.secretRef } } : {}),
          ...(flags.oci ? { type: 'oci' } : {}),
          url: flags.url,
        },
      });
      if (basicAuth && !flags.export) await applyCredentials(ctx, object, basicAuth);
      await emit(ctx, object, flags, 'HelmRepository source', {
        kind: HELM_REPOSITORY,
        ready: () => 'HelmRepository source reconciliation completed',
        revision: (revision) => `fetched revision: ${revision}`,
      });
    });
}

interface HelmReleaseFlags extends CommonFlags {
  source?: string;
  chart?: string;
  chartVersion?: string;
  chartRef?: string;
  interval: string;
  reconcileStrategy: string;
  releaseName?: string;
  targetNamespace?: string;
  createTargetNamespace?: boolean;
  storageNamespace?: string;
  dependsOn?: string[];
  values?: string[];
  valuesFrom?: string[];
  serviceAccount?: string;
  crds?: string;
}

function createHelmRelease(environment: CliEnvironment): Command {
  return common(new Command('helmrelease'))
    .alias('hr')
    .description('Create or update a HelmRelease resource')
    .argument('<name>', 'HelmRelease name')
    .option('--source <source>', "source that contains the chart in the format '<kind>/<name>[.<namespace>]', kind: HelmRepository, GitRepository or Bucket")
    .option('--chart <chart>', 'Helm chart name or path')
    .option('--chart-version <version>', 'Helm chart version, accepts a semver range (ignored for charts from GitRepository sources)')
    .option('--chart-ref <ref>', "the HelmChart or OCIRepository holding the chart, in the format '<kind>/<name>[.<namespace>]'")
    .addOption(new Option('--interval <duration>', 'source sync interval').default('1m0s').argParser(durationFlag))
    .addOption(new Option('--reconcile-strategy <strategy>', 'the reconcile strategy for the generated HelmChart').choices(['ChartVersion', 'Revision']).default('ChartVersion'))
    .option('--release-name <name>', "name used for the Helm release, defaults to a composition of '[<target-namespace>-]<HelmRelease-name>'")
    .option('--target-namespace <namespace>', 'namespace to install this release, defaults to the HelmRelease namespace')
    .option('--create-target-namespace', 'create the target namespace if it does not exist')
    .option('--storage-namespace <namespace>', 'namespace to store the Helm release, defaults to the target namespace')
    .option('--depends-on <name>', "HelmReleases that must be ready first, '<name>' or '<namespace>/<name>'", listFlag)
    .option('--values <file>', 'local path to values.yaml files, merged in order', listFlag)
    .option('--values-from <kind/name>', "a Secret or ConfigMap with a values.yaml key, in the format '<kind>/<name>'", listFlag)
    .option('--service-account <name>', 'the name of the service account to impersonate when reconciling this HelmRelease')
    .addOption(new Option('--crds <policy>', 'upgrade CRDs policy').choices(['Skip', 'Create', 'CreateReplace']))
    .action(async (name: string, flags: HelmReleaseFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.export) ctx.print.generate('generating HelmRelease');
      const object = helmRelease(ctx, name, flags);
      await emit(ctx, object, flags, 'HelmRelease', {
        kind: HELM_RELEASE,
        ready: (releaseName) => `HelmRelease ${releaseName} is ready`,
        revision: (revision) => `applied revision ${revision}`,
      });
    });
}

/** `<kind>/<name>[.<namespace>]` as flux create helmrelease reads --source and --chart-ref. */
function crossNamespaceRef(value: string, flag: string, kinds: string[]): { kind: string; name: string; namespace?: string } {
  const match = /^([A-Za-z]+)\/([^./]+)(?:\.([^./]+))?$/.exec(value);
  if (!match?.[1] || !match[2]) throw new Error(`invalid ${flag} "${value}": expected '<kind>/<name>[.<namespace>]'`);
  if (!kinds.includes(match[1])) throw new Error(`invalid ${flag} kind '${match[1]}', can be ${kinds.join(', ')}`);
  return { kind: match[1], name: match[2], ...(match[3] ? { namespace: match[3] } : {}) };
}

function dependencies(values: string[] | undefined, kind: string, name: string): Array<{ name: string; namespace?: string }> {
  return (values ?? []).map((dependency) => {
    const parts = dependency.split('/');
    if (parts.length > 2 || parts.some((part) => !part)) {
      throw new Error(`invalid --depends-on "${dependency}" for ${kind} ${name}: expected '<name>' or '<namespace>/<name>'`);
    }
    return parts.length === 2 ? { name: parts[1] as string, namespace: parts[0] as string } : { name: parts[0] as string };
  });
}

/** Reads the --values files and merges them in order (maps deeply, anything else replaced), as flux does. */
function valuesFiles(files: string[], name: string): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined;
  for (const file of files) {
    let values: unknown;
    try {
      values = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`HelmRelease ${name}: --values ${file}: ${(error as Error).message}`);
    }
    if (values === null || values === undefined) continue;
    if (typeof values !== 'object' || Array.isArray(values)) throw new Error(`HelmRelease ${name}: --values ${file}: expected a YAML map of values`);
    merged = mergeMaps(merged ?? {}, values as Record<string, unknown>);
  }
  return merged;
}

function helmRelease(ctx: CliContext, name: string, flags: HelmReleaseFlags): KubeObject {
  if (!flags.chartRef && (!flags.source || !flags.chart)) {
    throw new Error(`HelmRelease ${name} needs --source and --chart, or --chart-ref`);
  }
  if (flags.chartRef && (flags.source || flags.chart)) throw new Error(`HelmRelease ${name}: --chart-ref excludes --source and --chart`);
  const chart = flags.chartRef
    ? undefined
    : {
        spec: {
          chart: flags.chart,
          reconcileStrategy: flags.reconcileStrategy,
          sourceRef: crossNamespaceRef(flags.source as string, '--source', ['HelmRepository', 'GitRepository', 'Bucket']),
          ...(flags.chartVersion ? { version: flags.chartVersion } : {}),
        },
      };
  const chartRef = flags.chartRef ? crossNamespaceRef(flags.chartRef, '--chart-ref', ['OCIRepository', 'HelmChart']) : undefined;
  const dependsOn = dependencies(flags.dependsOn, 'HelmRelease', name);
  const values = valuesFiles(flags.values ?? [], name);
  const valuesFrom = (flags.valuesFrom ?? []).map((reference) => {
    const { kind, name: objectName } = kindName(reference, '--values-from');
    if (kind !== 'Secret' && kind !== 'ConfigMap') throw new Error(`invalid --values-from kind '${kind}', can be Secret or ConfigMap`);
    return { kind, name: objectName };
  });
  return validated(helmReleaseSchema, {
    apiVersion: HELM_RELEASE_API_VERSION,
    kind: 'HelmRelease',
    metadata: metadata(ctx, name, flags),
    spec: {
      ...(chart ? { chart } : {}),
      ...(chartRef ? { chartRef } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
      ...(flags.createTargetNamespace || flags.crds ? { install: { ...(flags.createTargetNamespace ? { createNamespace: true } : {}), ...(flags.crds ? { crds: flags.crds } : {}) } } : {}),
      interval: flags.interval,
      ...(flags.releaseName ? { releaseName: flags.releaseName } : {}),
      ...(flags.serviceAccount ? { serviceAccountName: flags.serviceAccount } : {}),
      ...(flags.storageNamespace ? { storageNamespace: flags.storageNamespace } : {}),
      ...(flags.targetNamespace ? { targetNamespace: flags.targetNamespace } : {}),
      ...(flags.crds ? { upgrade: { crds: flags.crds } } : {}),
      ...(values ? { values } : {}),
      ...(valuesFrom.length ? { valuesFrom } : {}),
    },
  });
}

function createAlertProvider(environment: CliEnvironment): Command {
  return common(new Command('alert-provider'))
    .description('Create or update a Provider resource')
    .argument('<name>', 'Provider name')
    .requiredOption('--type <type>', `type of provider: ${providerTypeSchema.options.join(', ')}`)
    .option('--channel <channel>', 'channel to send messages to in the case of a chat provider')
    .option('--username <username>', 'bot username used by the provider')
    .option('--address <address>', 'path to either the git repository, chat provider or webhook')
    .option('--secret-ref <name>', 'name of a secret containing the provider credentials')
    .action(async (name: string, flags: CommonFlags & { type: string; channel?: string; username?: string; address?: string; secretRef?: string }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.export) ctx.print.generate('generating Provider');
      const object = validated(providerSchema, {
        apiVersion: NOTIFICATION_V1BETA3,
        kind: 'Provider',
        metadata: metadata(ctx, name, flags),
        spec: {
          ...(flags.address ? { address: flags.address } : {}),
          ...(flags.channel ? { channel: flags.channel } : {}),
          ...(flags.secretRef ? { secretRef: { name: flags.secretRef } } : {}),
          type: flags.type,
          ...(flags.username ? { username: flags.username } : {}),
        },
      });
      await emit(ctx, object, flags, 'Provider');
    });
}

function createAlert(environment: CliEnvironment): Command {
  return common(new Command('alert'))
    .description('Create or update an Alert resource')
    .argument('<name>', 'Alert name')
    .requiredOption('--provider-ref <name>', 'reference to provider')
    .addOption(new Option('--event-severity <severity>', 'severity of events to send alerts for').choices(['info', 'error']))
    .option('--event-source <kind/name>', "sources that should generate alerts (<kind>/<name>), '*' matches every name", listFlag)
    .action(async (name: string, flags: CommonFlags & { providerRef: string; eventSeverity?: string; eventSource?: string[] }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.eventSource?.length) throw new Error(`at least one --event-source is required for Alert ${name}`);
      if (!flags.export) ctx.print.generate('generating Alert');
      const object = validated(alertSchema, {
        apiVersion: NOTIFICATION_V1BETA3,
        kind: 'Alert',
        metadata: metadata(ctx, name, flags),
        spec: {
          ...(flags.eventSeverity ? { eventSeverity: flags.eventSeverity } : {}),
          eventSources: flags.eventSource.map((source) => kindName(source, '--event-source')),
          providerRef: { name: flags.providerRef },
        },
      });
      await emit(ctx, object, flags, 'Alert');
    });
}

function createReceiver(environment: CliEnvironment): Command {
  return common(new Command('receiver'))
    .description('Create or update a Receiver resource')
    .argument('<name>', 'Receiver name')
    .requiredOption('--type <type>', `type of receiver: ${receiverTypeSchema.options.join(', ')}`)
    .requiredOption('--secret-ref <name>', 'name of the secret containing the token used to validate the payload')
    .option('--event <event>', 'events to trigger on, e.g. push', listFlag)
    .option('--resource <kind/name>', 'resources to reconcile when the hook fires (<kind>/<name>)', listFlag)
    .action(async (name: string, flags: CommonFlags & { type: string; secretRef: string; event?: string[]; resource?: string[] }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.resource?.length) throw new Error(`at least one --resource is required for Receiver ${name}`);
      if (!flags.export) ctx.print.generate('generating Receiver');
      const object = validated(receiverSchema, {
        apiVersion: NOTIFICATION_V1,
        kind: 'Receiver',
        metadata: metadata(ctx, name, flags),
        spec: {
          ...(flags.event?.length ? { events: flags.event } : {}),
          resources: flags.resource.map((resource) => kindName(resource, '--resource')),
          secretRef: { name: flags.secretRef },
          type: flags.type,
        },
      });
      // As flux create receiver: wait for the controller, then print the webhook path to configure at the sender.
      await emit(ctx, object, flags, 'Receiver', {
        kind: RECEIVER,
        ready: (receiverName) => `Receiver ${receiverName} is ready`,
        revision: (webhookPath) => `generated webhook URL ${webhookPath}`,
      });
    });
}
