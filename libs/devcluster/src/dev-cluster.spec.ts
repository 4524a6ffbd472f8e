import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCluster, ResourceType } from './index';

function served(cluster: DevCluster, group: string, version: string, plural: string): ResourceType {
  const rt = cluster.api.registry.lookup(group, version, plural);
  if (!rt) throw new Error(`${plural} is not served`);
  return rt;
}

describe('DevCluster persistence', () => {
  it('restores objects, CRDs and the resourceVersion counter after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devcluster-persist-'));
    const persistPath = join(dir, 'state.json');
    try {
      const first = await DevCluster.start({ persistPath, simulator: false });
      first.api.create(served(first, 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), '', {
        metadata: { name: 'things.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true }] },
      });
      first.api.create(served(first, 'example.com', 'v1', 'things'), 'default', { metadata: { name: 't' }, spec: { a: 1 } });
      const rv = first.api.store.resourceVersion;
      await first.stop();

      const second = await DevCluster.start({ persistPath, simulator: false });
      expect(second.api.get(served(second, 'example.com', 'v1', 'things'), 'default', 't')['spec']).toEqual({ a: 1 });
      const cm = second.api.create(served(second, '', 'v1', 'configmaps'), 'default', { metadata: { name: 'after' } });
      expect(Number((cm['metadata'] as Record<string, unknown>)['resourceVersion'])).toBeGreaterThan(rv);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
