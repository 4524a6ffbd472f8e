import { displayId, identityOf, inventoryId, parseInventoryId, splitApiVersion } from './object-ref';
import { inventoryOf, staleEntries } from './inventory';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo', namespace: 'apps' } };
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } };
const clusterRole = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'system:controller:ferry' },
};

describe('object identity', () => {
  it('splits API versions, with "" for the core group', () => {
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
  });

  it('formats Flux inventory ids and display ids', () => {
    expect(inventoryId(identityOf(deployment))).toBe('apps_podinfo_apps_Deployment');
    expect(inventoryId(identityOf(namespace))).toBe('_apps__Namespace');
    expect(inventoryId(identityOf(clusterRole))).toBe('_system__controller__ferry_rbac.authorization.k8s.io_ClusterRole');
    expect(displayId(identityOf(deployment))).toBe('Deployment/apps/podinfo');
    expect(displayId(identityOf(namespace))).toBe('Namespace/apps');
  });

  it('parses inventory ids back, including escaped colons', () => {
    for (const object of [deployment, namespace, clusterRole]) {
      const identity = identityOf(object);
      expect(parseInventoryId(inventoryId(identity), identity.version)).toEqual(identity);
    }
    expect(() => parseInventoryId('nonsense', 'v1')).toThrow(/invalid inventory id/);
  });
});

describe('inventory', () => {
  it('lists applied objects once each, sorted by id', () => {
    expect(inventoryOf([deployment, namespace, deployment])).toEqual([
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'apps_podinfo_apps_Deployment', v: 'v1' },
    ]);
  });

  it('finds what left the source, ignoring API version changes', () => {
    const before = [
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'apps_podinfo_apps_Deployment', v: 'v1' },
      { id: 'apps_podinfo_autoscaling_HorizontalPodAutoscaler', v: 'v2beta2' },
    ];
    const after = [
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'apps_podinfo_autoscaling_HorizontalPodAutoscaler', v: 'v2' },
    ];
    expect(staleEntries(before, after)).toEqual([
      { namespace: 'apps', name: 'podinfo', group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
  });
});
