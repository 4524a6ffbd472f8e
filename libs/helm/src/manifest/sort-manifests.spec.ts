import { HelmError } from '../errors';
import { hooksFor, INSTALL_ORDER, keepsResource, manifestText, sortByKind, sortManifests, splitManifests, templateText, UNINSTALL_ORDER, type HookEvent } from './sort-manifests';

const doc = (kind: string, name: string, annotations = ''): string =>
  `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${annotations ? `  annotations:\n${annotations}` : ''}`;

describe('splitManifests', () => {
  it('splits on --- lines, trims documents and drops empty ones', () => {
    expect(splitManifests('\n---\na: 1\n---   \n  b: 2\n---\n  \n')).toEqual(['a: 1', 'b: 2']);
    // Go's regexp consumes the blank lines after a separator, so a second `---` stays in the next document, as in Helm
    expect(splitManifests('a: 1\n---\n\n---\nb: 2')).toEqual(['a: 1', '---\nb: 2']);
  });
});

describe('sortManifests', () => {
  const files = new Map([
    ['app/templates/deploy.yaml', `${doc('Deployment', 'web')}\n---\n${doc('Service', 'web')}`],
    ['app/templates/ns.yaml', doc('Namespace', 'apps')],
    ['app/templates/crd-user.yaml', doc('Widget', 'w1')],
    ['app/templates/empty.yaml', '\n  \n'],
    ['app/templates/comment.yaml', '# only a comment\n'],
    ['app/templates/cm.yaml', `${doc('ConfigMap', 'b')}\n---\n${doc('ConfigMap', 'a')}\n---\n${doc('Apple', 'z')}`],
    [
      'app/templates/hooks.yaml',
      [
        doc('Job', 'migrate', '    helm.sh/hook: pre-install,Pre-Upgrade\n    helm.sh/hook-weight: "-5"\n    helm.sh/hook-delete-policy: before-hook-creation, hook-succeeded\n'),
        doc('Pod', 'test', '    helm.sh/hook: test-success\n    helm.sh/hook-weight: heavy\n'),
        doc('ConfigMap', 'legacy', '    helm.sh/hook: crd-install\n'),
      ].join('\n---\n'),
    ],
  ]);
  const { manifests, hooks } = sortManifests(files);

  it('orders documents by install order, unknown kinds (and none) last alphabetically, keeping file order within a kind', () => {
    expect(manifests.map((m) => `${String(m.object?.kind)}/${String(m.object?.metadata?.name)}`)).toEqual([
      'Namespace/apps', 'ConfigMap/b', 'ConfigMap/a', 'Service/web', 'Deployment/web', 'undefined/undefined', 'Apple/z', 'Widget/w1',
    ]);
    expect(manifests[0]?.name).toBe('app/templates/ns.yaml');
  });

  it('separates hooks with their events, weights and delete policies, and skips unknown hook types', () => {
    expect(hooks.map((h) => [h.kind, h.name, h.events, h.weight, h.delete_policies])).toEqual([
      ['Pod', 'test', ['test'], 0, []],
      ['Job', 'migrate', ['pre-install', 'pre-upgrade'], -5, ['before-hook-creation', 'hook-succeeded']],
    ]);
    expect(hooks[1]?.path).toBe('app/templates/hooks.yaml');
  });

  it('writes the release manifest as Helm stores it', () => {
    expect(manifestText(manifests.slice(0, 1))).toBe('---\n# Source: app/templates/ns.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
  });

  it('reads documents as Kubernetes gets them from Helm: YAML 1.1 booleans, block scalars as in the release manifest', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n';
    const read = (text: string): unknown => sortManifests(new Map([['c/templates/cm.yaml', text]])).manifests[0]?.object?.['data'];
    expect(read(`${cm}  script: |\n    echo hi\n`)).toEqual({ script: 'echo hi\n' });
    expect(read(`${cm}  script: |\n    echo hi\n  mode: "0755"\n`)).toEqual({ script: 'echo hi\n', mode: '0755' });
    expect(read(`${cm}  flag: yes\n  count: 1_000\n  octal: 0755\n  word: yesterday\n`)).toEqual({ flag: true, count: 1000, octal: 493, word: 'yesterday' });
  });

  it('names the template of a document that is not YAML', () => {
    expect(() => sortManifests(new Map([['app/templates/bad.yaml', 'a: [']]))).toThrow(HelmError);
    expect(() => sortManifests(new Map([['app/templates/bad.yaml', 'a: [']]))).toThrow(/^YAML parse error on app\/templates\/bad\.yaml: /);
  });
});

describe('sortByKind', () => {
  it('reverses for uninstall: webhooks first, namespaces last', () => {
    const kinds = ['Namespace', 'Deployment', 'ValidatingWebhookConfiguration', 'Secret'];
    expect(sortByKind(kinds, (k) => k, UNINSTALL_ORDER)).toEqual(['ValidatingWebhookConfiguration', 'Deployment', 'Secret', 'Namespace']);
    expect(sortByKind(kinds, (k) => k, INSTALL_ORDER)).toEqual(['Namespace', 'Secret', 'Deployment', 'ValidatingWebhookConfiguration']);
  });
});

describe('hooksFor', () => {
  it('picks the hooks of one event, ordered by weight then name', () => {
    const hook = (name: string, weight: number, events: HookEvent[]): { name: string; weight: number; events: HookEvent[] } => ({ name, weight, events });
    const hooks = [hook('b', 0, ['pre-install']), hook('z', -1, ['pre-install', 'pre-upgrade']), hook('a', 0, ['pre-install']), hook('t', -9, ['test'])];
    expect(hooksFor(hooks, 'pre-install').map((h) => h.name)).toEqual(['z', 'a', 'b']);
    expect(hooksFor(hooks, 'pre-upgrade').map((h) => h.name)).toEqual(['z']);
    expect(hooksFor(hooks, 'post-delete')).toEqual([]);
  });
});

describe('templateText', () => {
  it('prints manifests then hooks as helm template does', () => {
    const files = new Map([
      ['c/templates/cm.yaml', doc('ConfigMap', 'a')],
      ['c/templates/test.yaml', doc('Pod', 't', '    helm.sh/hook: test\n')],
      ['c/templates/job.yaml', doc('Job', 'j', '    helm.sh/hook: post-install\n')],
    ]);
    const { manifests, hooks } = sortManifests(files);
    expect(templateText(manifestText(manifests), hooks, { skipTests: true })).toBe(
      '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' +
        '---\n# Source: c/templates/job.yaml\napiVersion: v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n',
    );
    expect(templateText(manifestText(manifests), hooks)).toContain('# Source: c/templates/test.yaml');
  });
});

describe('keepsResource', () => {
  it('honours helm.sh/resource-policy: keep', () => {
    expect(keepsResource({ metadata: { annotations: { 'helm.sh/resource-policy': ' Keep ' } } })).toBe(true);
    expect(keepsResource({ metadata: { annotations: { 'helm.sh/resource-policy': 'delete' } } })).toBe(false);
    expect(keepsResource({ kind: 'ConfigMap' })).toBe(false);
  });
});
