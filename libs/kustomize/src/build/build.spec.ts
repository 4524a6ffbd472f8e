import * as path from 'node:path';
import type { FileSystem, PathKind } from '../file-system.port';
import { buildKustomization } from './build';
import { buildResources } from './kust-target';
import { parseYamlStream } from '../yaml/parse';

/** An in-memory FileSystem: `files` by absolute path, `links` from a path to its symlink target. */
class MemoryFs implements FileSystem {
  constructor(
    private readonly files: Record<string, string>,
    private readonly links: Record<string, string> = {},
  ) {}
  realpath(p: string): string {
    let cur = path.posix.normalize(p);
    for (const [from, to] of Object.entries(this.links)) if (cur === from || cur.startsWith(from + '/')) cur = to + cur.slice(from.length);
    if (this.stat(cur, false) === 'missing') throw new Error(`ENOENT ${p}`);
    return cur;
  }
  stat(p: string, follow = true): PathKind {
    const q = follow ? this.resolveLinks(p) : p;
    if (q in this.files) return 'file';
    return Object.keys(this.files).some((f) => f.startsWith(q + '/')) ? 'dir' : 'missing';
  }
  readFile(p: string): Uint8Array {
    const t = this.files[this.resolveLinks(p)];
    if (t === undefined) throw new Error(`ENOENT ${p}`);
    return Buffer.from(t);
  }
  readDir(p: string): string[] {
    return Object.keys(this.files).filter((f) => path.posix.dirname(f) === p).map((f) => path.posix.basename(f)).sort();
  }
  private resolveLinks(p: string): string {
    let cur = path.posix.normalize(p);
    for (const [from, to] of Object.entries(this.links)) if (cur === from || cur.startsWith(from + '/')) cur = to + cur.slice(from.length);
    return cur;
  }
}

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;

describe('load restrictions', () => {
  const files = { '/a/app/kustomization.yaml': 'resources:\n- ../secret.yaml\n', '/a/secret.yaml': cm('s') };

  it('rejects a resource file outside the kustomization root by default', () => {
    expect(() => buildKustomization('/a/app', { fs: new MemoryFs(files) })).toThrow(/is not in or below '\/a\/app'/);
  });

  it('allows it with LoadRestrictionsNone, as Flux does', () => {
    expect(buildKustomization('/a/app', { fs: new MemoryFs(files), loadRestrictor: 'LoadRestrictionsNone' })).toContain('name: s');
  });

  it('rejects a symlink inside the root that points outside it', () => {
    const fs = new MemoryFs({ '/a/app/kustomization.yaml': 'resources:\n- link.yaml\n', '/a/secret.yaml': cm('s') }, { '/a/app/link.yaml': '/a/secret.yaml' });
    expect(() => buildKustomization('/a/app', { fs })).toThrow(/not in or below/);
  });

  it('lets a base directory live outside the root (it is a kustomization of its own)', () => {
    const fs = new MemoryFs({ '/r/base/kustomization.yaml': 'resources:\n- cm.yaml\n', '/r/base/cm.yaml': cm('c'), '/r/app/kustomization.yaml': 'resources:\n- ../base\n' });
    expect(buildKustomization('/r/app', { fs })).toContain('name: c');
  });
});

describe('errors name the field and the resource', () => {
  it('rejects unknown kustomization fields', () => {
    const fs = new MemoryFs({ '/k/kustomization.yaml': 'resourcez: []\n' });
    expect(() => buildKustomization('/k', { fs })).toThrow('invalid Kustomization: json: unknown field "resourcez"');
  });

  it('names the replicas entry that matches nothing', () => {
    const fs = new MemoryFs({ '/k/kustomization.yaml': 'replicas:\n- name: ghost\n  count: 2\n' });
    expect(() => buildKustomization('/k', { fs })).toThrow(/kustomization '\/k\/kustomization.yaml': field replicas: resource with name ghost/);
  });
});

describe('errors name the offending resource', () => {
  it('reports the resource a JSON patch failed on', () => {
    const fs = new MemoryFs({
      '/k/r.yaml': cm('cfg'),
      '/k/kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: remove\n      path: /data/nope\n',
    });
    expect(() => buildKustomization('/k', { fs })).toThrow(/field patches: error in remove for path: '\/data\/nope'.*ConfigMap.*cfg/);
  });
});

describe('transformations', () => {
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env:
        - name: A
          value: "1"
        envFrom:
        - configMapRef:
            name: cfg
      - name: side
        image: side:1
`;

  it('merges containers by name, deletes with $patch and removes fields set to null', () => {
    const fs = new MemoryFs({
      '/k/d.yaml': deploy,
      '/k/kustomization.yaml': `resources:
- d.yaml
patches:
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: app
            image: app:2
            env:
            - name: A
              value: null
          - name: side
            $patch: delete
`,
    });
    const [d] = buildResources('/k', { fs }) as [Record<string, never>];
    expect(d).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'A' }] }] } } } });
  });

  it('follows a generated, prefixed and hashed ConfigMap into the Deployment that uses it', () => {
    const fs = new MemoryFs({
      '/k/d.yaml': deploy,
      '/k/kustomization.yaml': 'namePrefix: p-\nresources:\n- d.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - x=1\n',
    });
    const out = buildResources('/k', { fs });
    const cmName = (out[0] as { metadata: { name: string } }).metadata.name;
    expect(cmName).toMatch(/^p-cfg-[a-z0-9]{10}$/);
    expect(JSON.stringify(out[1])).toContain(`"name":"${cmName}"`);
  });

  it('applies JSON 6902 patches to every target whose name matches the anchored regex', () => {
    const fs = new MemoryFs({
      '/k/r.yaml': `${cm('a')}---\n${cm('b')}---\n${cm('ab')}`,
      '/k/kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- target:\n    kind: ConfigMap\n    name: "a|b"\n  patch: |-\n    - op: add\n      path: /data/n\n      value: "2"\n',
    });
    const out = buildResources('/k', { fs, reorder: 'none' });
    expect(out.map((o) => (o['data'] as Record<string, string>)['n'])).toEqual(['2', '2', undefined]);
  });
});

describe('ordering', () => {
  // Property: legacy order is a permutation of FIFO order, and FIFO keeps input order.
  it('legacy output is a reordering of input order for random inputs', () => {
    const kinds = ['ConfigMap', 'Service', 'Deployment', 'Namespace', 'Foo', 'ValidatingWebhookConfiguration', 'Role'];
    for (let seed = 1; seed <= 20; seed++) {
      let x = seed;
      const rnd = (n: number): number => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x % n;
      };
      const docs = Array.from({ length: 12 }, (_, i) => {
        const kind = kinds[rnd(kinds.length)] as string;
        const api = kind === 'Deployment' ? 'apps/v1' : kind === 'Foo' ? 'x.io/v1' : kind === 'Role' ? 'rbac.authorization.k8s.io/v1' : kind.endsWith('Configuration') ? 'admissionregistration.k8s.io/v1' : 'v1';
        return `apiVersion: ${api}\nkind: ${kind}\nmetadata:\n  name: r${rnd(1000)}-${i}\n`;
      });
      const fs = new MemoryFs({ '/k/r.yaml': docs.join('---\n'), '/k/kustomization.yaml': 'resources:\n- r.yaml\n' });
      const fifo = buildKustomization('/k', { fs, reorder: 'none' });
      const legacy = buildKustomization('/k', { fs, reorder: 'legacy' });
      expect(parseYamlStream(fifo, 'fifo')).toEqual(parseYamlStream(docs.join('---\n'), 'in'));
      const key = (t: string): string[] => t.split('---\n').sort();
      expect(key(legacy)).toEqual(key(fifo));
      const legacyKinds = parseYamlStream(legacy, 'l').map((d) => (d as { kind: string }).kind);
      const ns = legacyKinds.lastIndexOf('Namespace');
      const webhook = legacyKinds.indexOf('ValidatingWebhookConfiguration');
      if (ns >= 0) expect(legacyKinds.slice(0, ns + 1).every((k) => k === 'Namespace')).toBe(true);
      if (webhook >= 0) expect(legacyKinds.slice(webhook).every((k) => k === 'ValidatingWebhookConfiguration')).toBe(true);
    }
  });
});

describe('duplicate resource ids', () => {
  const nsCm = (name: string, ns: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`;

  it('rejects the same id from two files, counting no namespace as "default"', () => {
    const fs = new MemoryFs({ '/d/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', '/d/a.yaml': cm('x'), '/d/b.yaml': nsCm('x', 'default') });
    expect(() => buildKustomization('/d', { fs })).toThrow('may not add resource with an already registered id: ConfigMap.v1.[noGrp]|default|x');
  });

  it('rejects a base bringing an id the kustomization already has', () => {
    const fs = new MemoryFs({
      '/d/app/kustomization.yaml': 'resources:\n- cm.yaml\n- ../base\n',
      '/d/app/cm.yaml': cm('x'),
      '/d/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      '/d/base/cm.yaml': cm('x'),
    });
    expect(() => buildKustomization('/d/app', { fs, loadRestrictor: 'LoadRestrictionsNone' })).toThrow(/already registered id: ConfigMap\.v1\.\[noGrp\]\|\[noNs\]\|x/);
  });

  it('accepts the same name in another namespace or kind, and ids a component renamed before adding its own', () => {
    const fs = new MemoryFs({
      '/d/app/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\ncomponents:\n- ../rename\n- ../add\n',
      '/d/app/a.yaml': cm('x'),
      '/d/app/b.yaml': `${nsCm('x', 'other')}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n`,
      '/d/rename/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnameSuffix: -old\n',
      '/d/add/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- cm.yaml\n',
      '/d/add/cm.yaml': cm('x'),
    });
    const names = buildResources('/d/app', { fs, reorder: 'none' }).map((o) => `${String(o['kind'])}/${String((o['metadata'] as { name: string }).name)}`);
    expect(names).toEqual(['ConfigMap/x-old', 'ConfigMap/x-old', 'Secret/x-old', 'ConfigMap/x']);
  });
});
