import { execFile } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { RECONCILE_REQUESTED_AT_ANNOTATION, fluxCustomResourceDefinitions } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import { GitServer, HelmRepositoryServer, podinfoLikeChart } from '@ferry/testing';
import { EXAMPLE_FILES } from './example-repository';

/*
 * The local environment `npm start` runs beside the services: the embedded dev cluster (state kept in
 * FERRY_STATE_DIR), a Git server with an example repository and the GitRepository + Kustomization that carry
 * it into the cluster, and a Helm repository with a podinfo-like chart that a HelmRelease installs. A push to
 * the example repository asks the source service to reconcile at once, as a Git webhook would. Prints `✔ local environment ready` when all is in place.
 */
const stateDir = resolve(process.env['FERRY_STATE_DIR'] ?? '.ferry');
const portBase = Number(process.env['FERRY_PORT_BASE'] ?? 9790);
const clusterPort = portBase + 3;
const gitPort = portBase + 4;
const chartsPort = portBase + 5;
const GIT_REPOSITORY = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'example' };

const say = (mark: string, text: string) => process.stdout.write(`${mark} ${text}\n`);

async function main(): Promise<void> {
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  const cluster = await DevCluster.start({ port: clusterPort, persistPath: join(stateDir, 'cluster.json'), simulator: { readyDelayMs: 500 } });
  cluster.writeKubeconfig(kubeconfigPath);
  say('✔', `dev cluster listening on ${cluster.url}`);

  const git = await GitServer.start({}, undefined, { root: join(stateDir, 'git'), port: gitPort });
  const repository = await git.createRepo('example.git');
  const fresh = !(await hasCommits(repository.workPath));
  if (fresh) await repository.commit(EXAMPLE_FILES, { message: 'Example app: namespace, deployment, service, secret' });
  say('✔', `example repository at ${repository.url}${fresh ? ' (created)' : ''}`);

  // A Helm chart repository with a podinfo-like chart, for the HelmRelease example.
  const charts = await HelmRepositoryServer.start({ port: chartsPort });
  charts.publish(podinfoLikeChart('6.5.0'));
  say('✔', `example Helm repository at ${charts.url} (chart podinfo 6.5.0)`);

  const client = KubeClient.fromKubeconfig(cluster.kubeconfig());
  const manager = new ResourceManager(client, 'ferry-local');
  await manager.applyAll([
    ...(fluxCustomResourceDefinitions() as unknown as KubeObject[]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
  ]);
  await manager.applyAll([
    {
      apiVersion: GIT_REPOSITORY.apiVersion,
      kind: GIT_REPOSITORY.kind,
      metadata: { name: GIT_REPOSITORY.name, namespace: GIT_REPOSITORY.namespace },
      spec: { url: repository.url, ref: { branch: 'main' }, interval: '1m' },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'example', namespace: 'flux-system' },
      spec: { interval: '10m', path: './apps', prune: true, wait: true, timeout: '2m', sourceRef: { kind: 'GitRepository', name: 'example' } },
    },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'charts', namespace: 'flux-system' },
      spec: { url: charts.url, interval: '1m' },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        timeout: '2m',
        releaseName: 'podinfo',
        targetNamespace: 'podinfo',
        install: { createNamespace: true },
        chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
        values: { replicaCount: 1 },
      },
    },
  ]);
  say('✔', 'GitRepository and Kustomization flux-system/example, HelmRepository flux-system/charts and HelmRelease flux-system/podinfo applied');

  const watcher = onPush(repository.barePath, () => {
    say('►', 'new push to example.git: asking the source service to reconcile');
    client
      .mergePatch(GIT_REPOSITORY, { metadata: { annotations: { [RECONCILE_REQUESTED_AT_ANNOTATION]: new Date().toISOString() } } })
      .catch((error: unknown) => say('✗', `could not annotate the GitRepository: ${error instanceof Error ? error.message : String(error)}`));
  });

  console.log(`
  kubectl:      export KUBECONFIG=${kubeconfigPath}
                kubectl get kustomizations,gitrepositories -A && kubectl get deploy,svc -n demo
  try it:       cd ${repository.workPath}
                sed -i 's/replicas: 1/replicas: 2/' apps/manifest.yaml
                git commit -am 'two replicas' && git push origin main
  helm:         kubectl get helmreleases -A && kubectl get deploy -n podinfo
                kubectl patch helmrelease podinfo -n flux-system --type merge -p '{"spec":{"values":{"replicaCount":2}}}'
`);
  say('✔', 'local environment ready');

  const stop = (): void => {
    watcher.close();
    void git
      .stop()
      .then(() => charts.stop())
      .then(() => cluster.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function hasCommits(workPath: string): Promise<boolean> {
  return new Promise((done) => execFile('git', ['-C', workPath, 'rev-parse', '--verify', '-q', 'HEAD'], (error) => done(!error)));
}

/** Calls `pushed` (debounced) whenever a branch of the bare repository moves. */
function onPush(barePath: string, pushed: () => void): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  return watch(barePath, { recursive: true }, (_event, file) => {
    if (!file || !(file.startsWith('refs/heads') || file === 'packed-refs')) return;
    clearTimeout(timer);
    timer = setTimeout(pushed, 200);
  });
}

main().catch((error: unknown) => {
  say('✗', `local environment failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
