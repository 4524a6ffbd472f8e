import { installManifests } from './install-manifests';

describe('installManifests RBAC', () => {
  const objects = installManifests({ namespace: 'ferry-system', version: '0.1.0', registry: 'ghcr.io/ferry', natsImage: 'nats:2.10-alpine' });

  /** The verbs the ClusterRole of a component grants on a resource of the source group. */
  function verbs(component: string, resource: string): string[] {
    const role = objects.find((o) => o.kind === 'ClusterRole' && (o.metadata.labels as Record<string, string> | undefined)?.['app.kubernetes.io/component'] === component) as
      | { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }
      | undefined;
    return (role?.rules ?? []).filter((r) => r.apiGroups.includes('source.toolkit.fluxcd.io') && r.resources.includes(resource)).flatMap((r) => r.verbs);
  }

  it.each(['gitrepositories', 'helmrepositories', 'helmcharts'])('lets the source service watch and update %s, their status and finalizers', (resource) => {
    expect(verbs('source', resource)).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'patch']));
    expect(verbs('source', `${resource}/status`)).toEqual(expect.arrayContaining(['get', 'patch', 'update']));
    expect(verbs('source', `${resource}/finalizers`)).toEqual(['update']);
  });
});
