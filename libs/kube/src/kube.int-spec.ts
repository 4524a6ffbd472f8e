import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { DevCluster } from '@ferry/devcluster';
import { tempDir } from '@ferry/testing';
import { identityOf, type KubeObject } from './object-ref';
import { KubeApiError, KubeClient } from './kube-client';
import { ObjectWatcher } from './object-watcher';
import { ApplyError, ResourceManager } from './resource-manager';

jest.setTimeout(60_000);

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const deployment = (namespace: string, name: string, replicas: number, image = 'nginx:1.27'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
  },
});
const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

describe('libs/kube against the dev cluster', () => {
  let cluster: DevCluster;
  let client: KubeClient;
  let manager: ResourceManager;
  const dir = tempDir();
  // Async: the cluster serves from this process, so a blocking exec would deadlock with kubectl.
  const kubectl = async (...args: string[]) =>
    (
      await promisify(execFile)('kubectl', ['--kubeconfig', join(dir.path, 'kubeconfig'), '--cache-dir', join(dir.path, 'cache'), ...args], {
        env: { PATH: process.env['PATH'] ?? '', HOME: dir.path },
      })
    ).stdout;

  beforeAll(async () => {
    cluster = await DevCluster.start({ simulator: { readyDelayMs: 100 } });
    cluster.writeKubeconfig(join(dir.path, 'kubeconfig'));
    client = KubeClient.fromKubeconfig(cluster.kubeconfig());
    manager = new ResourceManager(client, 'ferry-test');
  });

  afterAll(async () => {
    await cluster.stop();
    dir.remove();
  });

  it('reports created, unchanged and configured like Flux, writing only what drifted', async () => {
    const objects = [ns('shop'), configMap('shop', 'settings', { color: 'blue' }), deployment('shop', 'web', 1)];
    expect(await manager.applyAll(objects)).toEqual([
      { id: 'Namespace/shop', action: 'created' },
      { id: 'ConfigMap/shop/settings', action: 'created' },
      { id: 'Deployment/shop/web', action: 'created' },
    ]);
    const before = await client.get(objects[1]!);
    expect(await manager.applyAll(objects)).toEqual([
      { id: 'Namespace/shop', action: 'unchanged' },
      { id: 'ConfigMap/shop/settings', action: 'unchanged' },
      { id: 'Deployment/shop/web', action: 'unchanged' },
    ]);
    expect((await client.get(objects[1]!))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);

    const changed = [ns('shop'), configMap('shop', 'settings', { color: 'red' }), deployment('shop', 'web', 2)];
    expect((await manager.applyAll(changed)).map((c) => c.action)).toEqual(['unchanged', 'configured', 'configured']);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    expect(await kubectl('get', 'configmap', 'settings', '-n', 'shop', '-o', 'jsonpath={.data.color}')).toBe('red');
  });

  it('corrects drift made by someone else on the next apply', async () => {
    const objects = [ns('drift'), configMap('drift', 'c', { a: '1' })];
    await manager.applyAll(objects);
    await kubectl('patch', 'configmap', 'c', '-n', 'drift', '--type', 'merge', '-p', '{"data":{"a":"tampered"}}');
    expect(await manager.applyAll(objects)).toContainEqual({ id: 'ConfigMap/drift/c', action: 'configured' });
    expect(await kubectl('get', 'configmap', 'c', '-n', 'drift', '-o', 'jsonpath={.data.a}')).toBe('1');
  });

  it('applies a CRD before its custom resources in the same set', async () => {
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'crds' }, spec: { size: 3 } };
    const changes = await manager.applyAll([widget, ns('crds'), crd]);
    expect(changes.map((c) => c.id)).toEqual(['Namespace/crds', 'CustomResourceDefinition/widgets.example.com', 'Widget/crds/w1']);
    expect((await kubectl('get', 'widgets', '-n', 'crds', '-o', 'name')).trim()).toBe('widget.example.com/w1');
  });

  it('prunes in garbage-collection order and keeps what is protected', async () => {
    await manager.applyAll([ns('gone'), configMap('gone', 'a', {}), configMap('gone', 'keep', {})]);
    const identities = ['a', 'keep'].map((name) => identityOf(configMap('gone', name, {})));
    const deleted = await manager.deleteAll(identities, (object) => object.metadata.name === 'keep');
    expect(deleted).toEqual([{ id: 'ConfigMap/gone/a', action: 'deleted' }]);
    expect((await kubectl('get', 'configmaps', '-n', 'gone', '-o', 'name')).trim()).toBe('configmap/keep');
    expect(await manager.deleteAll(identities.slice(0, 1))).toEqual([]);
  });

  it('waits for Deployments to become available, and reports one that never does', async () => {
    await manager.applyAll([ns('health'), deployment('health', 'ok', 2), deployment('health', 'broken', 1, 'registry/fail:1')]);
    const ok = await manager.waitForHealth([identityOf(deployment('health', 'ok', 2))], { timeoutMs: 10_000, pollMs: 50 });
    expect(ok).toEqual({ healthy: true });
    const broken = await manager.waitForHealth([identityOf(deployment('health', 'broken', 1))], { timeoutMs: 3000, pollMs: 50 });
    expect(broken.healthy).toBe(false);
    expect(JSON.stringify(broken)).toMatch(/Deployment\/health\/broken status: '(Failed|InProgress)'/);
  });

  it('names the object and the server reason when apply is refused', async () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Valid_Name', namespace: 'shop' } };
    const error = await manager.apply(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toMatch(/^ConfigMap\/shop\/Not_A_Valid_Name Invalid: /);
    await expect(client.get({ apiVersion: 'nope.example.com/v1', kind: 'Nothing', name: 'x' })).rejects.toBeInstanceOf(KubeApiError);
  });

  it('watches a kind: initial list, changes and deletions, as an informer does', async () => {
    await manager.applyAll([ns('watched'), configMap('watched', 'one', { v: '1' })]);
    const seen: string[] = [];
    const watcher = new ObjectWatcher<KubeObject>(client, 'v1', 'ConfigMap', {
      onUpsert: (object, previous) => seen.push(`${previous ? 'update' : 'add'} ${object.metadata.name} ${JSON.stringify(object['data'])}`),
      onDelete: (object) => seen.push(`delete ${object.metadata.name}`),
    }, { namespace: 'watched' });
    await watcher.start();
    expect(seen).toEqual(['add one {"v":"1"}']);
    await manager.apply(configMap('watched', 'one', { v: '2' }));
    await manager.apply(configMap('watched', 'two', { v: '1' }));
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'watched', name: 'one' });
    const until = Date.now() + 5000;
    while (seen.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await watcher.stop();
    expect(seen).toEqual(['add one {"v":"1"}', 'update one {"v":"2"}', 'add two {"v":"1"}', 'delete one']);
    expect(watcher.list().map((o) => o.metadata.name)).toEqual(['two']);
  });
});
