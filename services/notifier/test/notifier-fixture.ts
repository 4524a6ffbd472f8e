import { join } from 'node:path';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject } from '@ferry/kube';
import { TEST_NATS_URL, deleteTestStream, startServiceProcess, tempDir, uniqueSuffix, type ServiceProcess } from '@ferry/testing';

/** A dev cluster with Flux's CRDs, a kubeconfig file, and the environment a notifier process needs. */
export interface NotifierFixture {
  cluster: DevCluster;
  client: KubeClient;
  namespace: string;
  stream: string;
  subjectPrefix: string;
  databasePath: string;
  env: NodeJS.ProcessEnv;
  start(extraEnv?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  apply(object: KubeObject): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts the cluster, applies the CRDs and a fresh namespace. */
export async function notifierFixture(): Promise<NotifierFixture> {
  const dir = tempDir('ferry-notifier-');
  const cluster = await DevCluster.start({ simulator: false });
  const client = KubeClient.fromKubeconfig(cluster.kubeconfig());
  for (const crd of fluxCustomResourceDefinitions()) await client.create(crd as unknown as KubeObject);
  const namespace = `notify-${uniqueSuffix()}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const stream = `TEST_NOTIFIER_${uniqueSuffix()}`;
  const subjectPrefix = `test${uniqueSuffix()}.ferry.events`;
  const databasePath = join(dir.path, 'notifier.db');
  const env: NodeJS.ProcessEnv = {
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: `sqlite:${databasePath}`,
    FERRY_EVENT_STREAM: stream,
    FERRY_EVENT_SUBJECT_PREFIX: subjectPrefix,
    FERRY_EVENT_STORAGE: 'memory',
    KUBECONFIG: cluster.writeKubeconfig(join(dir.path, 'kubeconfig')),
    NOTIFIER_DELIVERY_BACKOFF: '10ms',
    NOTIFIER_RESYNC_INTERVAL: '1s',
  };
  return {
    cluster,
    client,
    namespace,
    stream,
    subjectPrefix,
    databasePath,
    env,
    start: (extraEnv = {}) => startServiceProcess('services/notifier/src/main.ts', { ...env, ...extraEnv }),
    apply: async (object) => {
      await client.apply(object, { fieldManager: 'test', force: true });
    },
    dispose: async () => {
      await cluster.stop();
      await deleteTestStream(stream);
      dir.remove();
    },
  };
}
