import { execFile } from 'node:child_process';
import { Command } from 'commander';
import * as semver from 'semver';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { assessHealth, type KubeObject } from '@ferry/kube';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { ReportedFailure } from '../shared/output';

/** The oldest Kubernetes (server and kubectl) Ferry supports, as a semver range in Flux's notation. */
export const KUBERNETES_RANGE = '>=1.28.0-0';

/** Label every Ferry component carries (set by `ferry install`). */
export const PART_OF_FERRY = 'app.kubernetes.io/part-of=ferry';

/** `ferry check [--pre]`: prerequisites, then (without --pre) CRDs and controllers, as `flux check` does. */
export function checkCommand(environment: CliEnvironment): Command {
  return new Command('check')
    .description('Check requirements and installation')
    .option('--pre', 'only run pre-installation checks')
    .action(async (opts: { pre?: boolean }, command: Command) => {
      const ctx = CliContext.of(environment, command);
      ctx.print.action('checking prerequisites');
      // Both prerequisites are reported, so one run shows everything to fix.
      const kubectlOk = await checkKubectl(ctx);
      let ok = (await checkKubernetes(ctx)) && kubectlOk;
      if (opts.pre) {
        if (!ok) {
          ctx.print.failure('prerequisites checks failed');
          throw new ReportedFailure('prerequisites checks failed');
        }
        ctx.print.success('prerequisites checks passed');
        return;
      }
      if (ok) {
        ctx.print.action('checking controllers');
        ok = (await checkControllers(ctx)) && ok;
        ctx.print.action('checking crds');
        ok = (await checkCrds(ctx)) && ok;
      }
      if (!ok) {
        ctx.print.failure('check failed');
        throw new ReportedFailure('check failed');
      }
      ctx.print.success('all checks passed');
    });
}

function versionOf(gitVersion: string): semver.SemVer | null {
  return semver.coerce(gitVersion);
}

async function checkKubectl(ctx: CliContext): Promise<boolean> {
  const output = await new Promise<{ stdout: string; error?: string }>((resolve) => {
    execFile('kubectl', ['version', '--client', '--output=json'], { env: ctx.environment.env, timeout: ctx.timeoutMs }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ stdout: '', error: 'kubectl not found in PATH' });
      else if (error) resolve({ stdout: '', error: `kubectl version failed: ${error.message}` });
      else resolve({ stdout });
    });
  });
  if (output.error) {
    ctx.print.failure(output.error);
    return false;
  }
  let gitVersion = '';
  try {
    gitVersion = (JSON.parse(output.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '';
  } catch {
    // handled below: an unparsable answer is a failed check, not a crash
  }
  const version = versionOf(gitVersion);
  if (!version) {
    ctx.print.failure(`kubectl version could not be parsed from "kubectl version --client --output=json"`);
    return false;
  }
  return report(ctx, 'kubectl', gitVersion, version);
}

async function checkKubernetes(ctx: CliContext): Promise<boolean> {
  let gitVersion: string;
  try {
    gitVersion = (await ctx.kube().version()).gitVersion;
  } catch (error) {
    ctx.print.failure(`Kubernetes API call failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const version = versionOf(gitVersion);
  if (!version) {
    ctx.print.failure(`Kubernetes version "${gitVersion}" could not be parsed`);
    return false;
  }
  return report(ctx, 'Kubernetes', gitVersion, version);
}

function report(ctx: CliContext, what: string, gitVersion: string, version: semver.SemVer): boolean {
  const shown = gitVersion.replace(/^v/, '');
  if (semver.satisfies(version, KUBERNETES_RANGE)) {
    ctx.print.success(`${what} ${shown} ${KUBERNETES_RANGE}`);
    return true;
  }
  ctx.print.failure(`${what} version ${shown} does not match ${KUBERNETES_RANGE}`);
  return false;
}

async function checkControllers(ctx: CliContext): Promise<boolean> {
  const options = { namespace: ctx.namespace, labelSelector: PART_OF_FERRY };
  const deployments = (await ctx.kube().list('apps/v1', 'Deployment', options)).items;
  // NATS runs as a StatefulSet; the services cannot work without it.
  const statefulSets = (await ctx.kube().list('apps/v1', 'StatefulSet', options)).items;
  const items = [...deployments, ...statefulSets];
  if (items.length === 0) {
    ctx.print.warning(`no Ferry controllers installed in ${ctx.namespace} namespace`);
    return true;
  }
  let ok = true;
  for (const workload of items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const health = assessHealth(workload);
    const what = workload.kind.toLowerCase();
    if (health.status === 'Current') ctx.print.success(`${workload.metadata.name}: ${what} ready`);
    else {
      ctx.print.failure(`${workload.metadata.name}: ${what} not ready: ${health.message}`);
      ok = false;
    }
    for (const image of imagesOf(workload)) ctx.print.action(image);
  }
  return ok;
}

function imagesOf(workload: KubeObject): string[] {
  const spec = workload['spec'] as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
  return (spec?.template?.spec?.containers ?? []).flatMap((container) => (container.image ? [container.image] : []));
}

async function checkCrds(ctx: CliContext): Promise<boolean> {
  let ok = true;
  for (const expected of fluxCustomResourceDefinitions()) {
    const name = expected.metadata.name;
    const crd = await ctx.kube().get<KubeObject & { spec?: { versions?: Array<{ name: string; storage?: boolean }> }; status?: { conditions?: Array<{ type: string; status: string }> } }>({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name,
    });
    if (!crd) {
      ctx.print.failure(`${name} not found`);
      ok = false;
      continue;
    }
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    const storage = crd.spec?.versions?.find((v) => v.storage)?.name ?? '';
    if (established) ctx.print.success(`${name}/${storage}`);
    else {
      ctx.print.failure(`${name}/${storage} is not Established`);
      ok = false;
    }
  }
  return ok;
}
