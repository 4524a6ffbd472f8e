import { identityOf, ResourceManager, type KubeObject } from '@ferry/kube';
import { FIELD_MANAGER, type CliContext } from '../shared/cli-context';
import { GIT_REPOSITORY, KUSTOMIZATION, requestReconcile, waitForReady } from '../shared/flux-kinds';
import { ReportedFailure } from '../shared/output';
import { generateEd25519KeyPair, publicKeyOf } from '../shared/ssh-keys';
import { installManifests, type InstallOptions } from '../commands/install-manifests';
import { BOOTSTRAP_NAME, componentsFile, syncFiles, syncObjects, type SyncOptions } from './bootstrap-manifests';
import { GitWorkspace, redactUrl, type GitAuth, type GitAuthor } from './git-workspace';

/** The data of the source Secret the GitRepository reads (`spec.secretRef`). */
export type SourceSecretData = Record<string, string>;

/** How the cluster authenticates to the repository, decided by the provider (token, deploy key, given key). */
export interface SourceSecretPlan {
  /**
   * The Secret data to apply, given the Secret already in the cluster (reused when it still fits, so a second
   * bootstrap changes nothing).
   */
  data(existing: SourceSecretData | undefined): Promise<SourceSecretData>;
  /** Runs once the Secret's data is known, `changed` when it differs from the cluster's (a GitLab deploy key registered). */
  afterSecret?(data: SourceSecretData, changed: boolean): Promise<void>;
}

/** Everything a bootstrap run needs once the repository exists. */
export interface BootstrapPlan {
  /** Where the CLI clones and pushes. */
  cloneUrl: string;
  gitAuth: GitAuth;
  author: GitAuthor;
  install: InstallOptions;
  sync: SyncOptions;
  secret: SourceSecretPlan;
}

/**
 * Flux's bootstrap sequence, provider-independent: commit the component manifests, install them, write the
 * source Secret, commit and apply the sync manifests, then wait for the GitRepository and Kustomization to
 * reconcile and the components to be healthy. Every step is idempotent and says when it changed nothing.
 */
export class Bootstrapper {
  constructor(private readonly ctx: CliContext) {}

  /** Fails early, before any repository is touched, when the cluster cannot be reached. */
  async checkCluster(): Promise<void> {
    try {
      await this.ctx.kube().version();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot reach the Kubernetes cluster: ${reason}`);
    }
  }

  async run(plan: BootstrapPlan): Promise<void> {
    const print = this.ctx.print;
    const display = redactUrl(plan.cloneUrl);
    print.action(`cloning branch "${plan.sync.branch}" from Git repository "${display}"`);
    const workspace = await GitWorkspace.clone(plan.cloneUrl, plan.sync.branch, plan.gitAuth);
    try {
      print.success('cloned repository');
      print.action('generating component manifests');
      const components = componentsFile(plan.sync.path, plan.install);
      print.success('generated component manifests');
      const componentsCommit = await workspace.commit([components], `Add Ferry v${plan.install.version} component manifests`, plan.author);
      if (componentsCommit) {
        print.success(`committed component manifests to "${plan.sync.branch}" ("${componentsCommit}")`);
        print.action(`pushing component manifests to "${display}"`);
        await workspace.push();
      } else {
        print.success('component manifests are up to date');
      }

      print.action(`installing components in "${this.ctx.namespace}" namespace`);
      const manager = new ResourceManager(this.ctx.kube(), FIELD_MANAGER);
      const manifests = installManifests(plan.install);
      await manager.applyAll(manifests, { stageTimeoutMs: this.ctx.timeoutMs });
      print.success('installed components');
      await this.waitForComponents(manager, manifests, false);
      print.success('reconciled components');

      // A public repository read anonymously needs no source Secret (the GitRepository has no secretRef).
      if (plan.sync.secretName) await this.reconcileSecret(plan);

      print.action('generating sync manifests');
      const files = syncFiles(plan.sync);
      print.success('generated sync manifests');
      const syncCommit = await workspace.commit(files, 'Add Ferry sync manifests', plan.author);
      if (syncCommit) {
        print.success(`committed sync manifests to "${plan.sync.branch}" ("${syncCommit}")`);
        print.action(`pushing sync manifests to "${display}"`);
        await workspace.push();
      } else {
        print.success('sync manifests are up to date');
      }
    } finally {
      workspace.remove();
    }

    print.action('applying sync manifests');
    const manager = new ResourceManager(this.ctx.kube(), FIELD_MANAGER);
    for (const object of syncObjects(plan.sync)) await manager.apply(object);
    print.success('reconciled sync configuration');

    for (const kind of [GIT_REPOSITORY, KUSTOMIZATION]) {
      print.waiting(`waiting for ${kind.kind} "${this.ctx.namespace}/${BOOTSTRAP_NAME}" to be reconciled`);
      const requestedAt = await requestReconcile(this.ctx, kind, BOOTSTRAP_NAME);
      await waitForReady(this.ctx, kind, BOOTSTRAP_NAME, requestedAt);
      print.success(`${kind.kind} reconciled successfully`);
    }

    print.action('confirming components are healthy');
    await this.waitForComponents(manager, installManifests(plan.install), true);
    print.success('all components are healthy');
  }

  private async reconcileSecret(plan: BootstrapPlan): Promise<void> {
    const print = this.ctx.print;
    const locator = { apiVersion: 'v1', kind: 'Secret', namespace: this.ctx.namespace, name: plan.sync.secretName };
    print.action(`determining if source secret "${this.ctx.namespace}/${plan.sync.secretName}" exists`);
    const existing = await this.ctx.kube().get<KubeObject & { data?: Record<string, string> }>(locator);
    const existingData = existing?.data
      ? Object.fromEntries(Object.entries(existing.data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]))
      : undefined;
    const data = await plan.secret.data(existingData);
    const same = existingData !== undefined && Object.keys(data).length === Object.keys(existingData).length && Object.entries(data).every(([key, value]) => existingData[key] === value);
    if (!same) {
      print.action('generating source secret');
      if (data['identity.pub']) print.success(`public key: ${data['identity.pub'].trim()}`);
    }
    if (plan.secret.afterSecret) await plan.secret.afterSecret(data, !same);
    if (same) {
      print.success('source secret up to date');
      return;
    }
    print.action(`applying source secret "${this.ctx.namespace}/${plan.sync.secretName}"`);
    await this.ctx.kube().apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: plan.sync.secretName, namespace: this.ctx.namespace }, type: 'Opaque', data: base64Values(data) } as KubeObject,
      { fieldManager: FIELD_MANAGER, force: true },
    );
    print.success('reconciled source secret');
  }

  private async waitForComponents(manager: ResourceManager, manifests: KubeObject[], report: boolean): Promise<void> {
    const workloads = manifests.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet');
    const result = await manager.waitForHealth(workloads.map(identityOf), { timeoutMs: this.ctx.timeoutMs, pollMs: this.ctx.environment.pollIntervalMs });
    if (!result.healthy) {
      for (const failure of result.failures) this.ctx.print.failure(failure);
      this.ctx.print.failure('bootstrap failed: components are not healthy');
      throw new ReportedFailure('components are not healthy');
    }
    if (report) for (const workload of workloads) this.ctx.print.success(`${workload.metadata.name}: ${workload.kind.toLowerCase()} ready`);
  }
}

// data, not stringData: what the Secret then holds is exactly what the next run compares against.
function base64Values(data: SourceSecretData): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]));
}

/** Source Secret data for HTTP basic auth (Flux's --token-auth: username `git`, the token as password). */
export function basicAuthSecret(username: string, password: string): SourceSecretPlan {
  return { data: async () => ({ username, password }) };
}

/**
 * Source Secret data for SSH: the key pair already in the Secret when there is one (so the deploy key stays
 * valid), else `privateKey` when given, else a fresh ed25519 pair; known_hosts as given.
 */
export function sshSecret(options: { knownHosts: () => Promise<string>; privateKey?: string }): SourceSecretPlan {
  return {
    async data(existing) {
      const knownHosts = await options.knownHosts();
      if (options.privateKey) {
        return { identity: options.privateKey, 'identity.pub': publicKeyOf(options.privateKey), known_hosts: knownHosts };
      }
      if (existing?.['identity'] && existing['identity.pub']) {
        return { identity: existing['identity'], 'identity.pub': existing['identity.pub'], known_hosts: knownHosts };
      }
      const pair = generateEd25519KeyPair();
      return { identity: pair.privateKey, 'identity.pub': pair.publicKey, known_hosts: knownHosts };
    },
  };
}
