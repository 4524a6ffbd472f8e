import { DevCluster } from './dev-cluster';

/*
 * Standalone dev cluster: `node -r @swc-node/register libs/devcluster/src/main.ts --kubeconfig ./kubeconfig`.
 * Flags win over env: --kubeconfig / DEVCLUSTER_KUBECONFIG, --port / DEVCLUSTER_PORT,
 * --persist / DEVCLUSTER_PERSIST (state file), --ready-delay-ms / DEVCLUSTER_READY_DELAY_MS.
 */
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const kubeconfigPath = flag('kubeconfig') ?? process.env['DEVCLUSTER_KUBECONFIG'];
  const port = Number(flag('port') ?? process.env['DEVCLUSTER_PORT'] ?? 0);
  const persistPath = flag('persist') ?? process.env['DEVCLUSTER_PERSIST'];
  const delay = flag('ready-delay-ms') ?? process.env['DEVCLUSTER_READY_DELAY_MS'];
  if (Number.isNaN(port)) throw new Error('--port must be a number');
  const cluster = await DevCluster.start({
    port,
    persistPath,
    simulator: delay !== undefined ? { readyDelayMs: Number(delay) } : {},
  });
  if (kubeconfigPath) cluster.writeKubeconfig(kubeconfigPath);
  process.stdout.write(`devcluster listening on ${cluster.url}\n`);
  if (kubeconfigPath) process.stdout.write(`kubeconfig written to ${kubeconfigPath}\n`);
  process.stdout.write(cluster.kubeconfig());
  const shutdown = (): void => {
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`devcluster failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
