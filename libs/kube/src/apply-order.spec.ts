import { applyStages, sortForPrune } from './apply-order';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('apply order', () => {
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com');
  const ns = obj('v1', 'Namespace', 'apps');
  const storageClass = obj('storage.k8s.io/v1', 'StorageClass', 'fast');
  const widget = obj('example.com/v1', 'Widget', 'w', 'apps');
  const deploy = obj('apps/v1', 'Deployment', 'web', 'apps');
  const svc = obj('v1', 'Service', 'web', 'apps');
  const secret = obj('v1', 'Secret', 'creds', 'apps');

  it('applies cluster definitions first, then classes, then the rest in kind order', () => {
    const stages = applyStages([widget, deploy, svc, storageClass, secret, crd, ns]);
    expect(stages.map((stage) => stage.map((o) => o.kind))).toEqual([
      ['Namespace', 'CustomResourceDefinition'],
      ['StorageClass'],
      ['Secret', 'Service', 'Deployment', 'Widget'],
    ]);
  });

  it('prunes in reverse: contents before their namespace and CRD', () => {
    expect(sortForPrune([ns, crd, deploy, widget]).map((o) => o.kind)).toEqual([
      'Widget',
      'Deployment',
      'CustomResourceDefinition',
      'Namespace',
    ]);
  });
});
