import { Command } from 'commander';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { identityOf, ResourceManager, type KubeObject } from '@ferry/kube';
import { exportYaml } from '../shared/apply';
import { CliContext, FIELD_MANAGER, type CliEnvironment } from '../shared/cli-context';
import { ReportedFailure } from '../shared/output';
import { ferryVersion } from '../version';
import { installManifests, type InstallOptions } from './install-manifests';

interface InstallFlags {
  export?: boolean;
  registry: string;
  imageTag: string;
  natsImage: string;
}

/** `ferry install [--export]`: Ferry's components (CRDs, RBAC, Deployments, NATS), applied and waited for. */
export function installCommand(environment: CliEnvironment): Command {
  return new Command('install')
    .description('Install or upgrade Ferry')
    .option('--export', 'write the install manifests to stdout and exit')
    .option('--registry <registry>', 'container registry where the Ferry images are published', 'ghcr.io/ferry')
    // Not --version as in flux: that flag belongs to the root command (ferry -v/--version).
    .option('--image-tag <version>', 'Ferry version of the component images', ferryVersion())
    .option('--nats-image <image>', 'NATS server image (JetStream enabled)', 'nats:2.10-alpine')
    .action(async (flags: InstallFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const options: InstallOptions = {
        namespace: ctx.namespace,
        version: flags.imageTag.replace(/^v/, ''),
        registry: flags.registry,
        natsImage: flags.natsImage,
      };
      const manifests = installManifests(options);
      if (flags.export) {
        ctx.print.data(exportYaml(manifests));
        return;
      }
      ctx.print.action(`installing components in ${ctx.namespace} namespace`);
      const manager = new ResourceManager(ctx.kube(), FIELD_MANAGER);
      const changes = await manager.applyAll(manifests, { stageTimeoutMs: ctx.timeoutMs });
      for (const change of changes) ctx.print.data(`${change.id} ${change.action}\n`);
      ctx.print.success('install completed');
      ctx.print.waiting('verifying installation');
      const workloads = manifests.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet');
      const result = await manager.waitForHealth(workloads.map(identityOf), { timeoutMs: ctx.timeoutMs, pollMs: environment.pollIntervalMs });
      if (!result.healthy) {
        for (const failure of result.failures) ctx.print.failure(failure);
        ctx.print.failure('install failed: components are not ready');
        throw new ReportedFailure('install failed');
      }
      for (const workload of workloads) ctx.print.success(`${workload.metadata.name}: ${workload.kind.toLowerCase()} ready`);
      ctx.print.success('install finished');
    });
}

/** `ferry uninstall --silent [--keep-namespace]`: deletes what `ferry install` created, Flux objects' finalizers first. */
export function uninstallCommand(environment: CliEnvironment): Command {
  return new Command('uninstall')
    .description('Uninstall Ferry and its custom resource definitions')
    .option('-s, --silent', 'delete components without asking for confirmation')
    .option('--keep-namespace', 'skip namespace deletion')
    .action(async (flags: { silent?: boolean; keepNamespace?: boolean }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      if (!flags.silent) throw new Error('uninstall deletes Ferry and every Flux object in the cluster: pass --silent to confirm');
      const manifests = installManifests({ namespace: ctx.namespace, version: ferryVersion(), registry: '', natsImage: '' });
      ctx.print.action('deleting toolkit.fluxcd.io finalizers in all namespaces');
      await removeFinalizers(ctx);
      ctx.print.action(`deleting components in ${ctx.namespace} namespace`);
      const manager = new ResourceManager(ctx.kube(), FIELD_MANAGER);
      const deleted = await manager.deleteAll(
        manifests.map(identityOf),
        (object) => Boolean(flags.keepNamespace) && object.kind === 'Namespace',
      );
      for (const entry of deleted) ctx.print.success(`${entry.id} deleted`);
      ctx.print.success('uninstall finished');
    });
}

// With the controllers gone nothing would ever clear these finalizers, and the CRD deletion would hang on them.
async function removeFinalizers(ctx: CliContext): Promise<void> {
  for (const crd of fluxCustomResourceDefinitions()) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string }> };
    const apiVersion = `${spec.group}/${spec.versions[0]?.name ?? 'v1'}`;
    let items: KubeObject[];
    try {
      items = (await ctx.kube().list(apiVersion, spec.names.kind)).items;
    } catch {
      continue; // the kind is not served: nothing carries its finalizers
    }
    for (const item of items) {
      if (Array.isArray(item.metadata['finalizers']) && item.metadata['finalizers'].length) {
        await ctx.kube().mergePatch(item, { metadata: { finalizers: null } }, { fieldManager: FIELD_MANAGER });
      }
    }
  }
}
