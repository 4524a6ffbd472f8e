import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const ferry = (...args: string[]) =>
  spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'cli/src/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

function kustomization(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ferry-build-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(join(dir, name, '..'), { recursive: true });
    fs.writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('ferry build kustomization', () => {
  const dir = kustomization({
    'app/kustomization.yaml': 'namespace: demo\nresources:\n- cm.yaml\n- ns.yaml\n',
    'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'app/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'escape/kustomization.yaml': 'resources:\n- ../app/cm.yaml\n',
  });

  it('prints the built YAML in legacy order by default', () => {
    const r = ferry('build', 'kustomization', join(dir, 'app'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: demo\n',
    );
  });

  it('keeps input order with --reorder none', () => {
    const r = ferry('build', 'kustomization', join(dir, 'app'), '--reorder', 'none');
    expect(r.stdout.indexOf('kind: ConfigMap')).toBeLessThan(r.stdout.indexOf('kind: Namespace'));
  });

  it('fails with exit code 1 and a message on stderr when a file escapes the root', () => {
    const r = ferry('build', 'kustomization', join(dir, 'escape'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is not in or below/);
  });

  it('allows the escape with --load-restrictor LoadRestrictionsNone', () => {
    const r = ferry('build', 'kustomization', join(dir, 'escape'), '--load-restrictor', 'LoadRestrictionsNone');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('name: a');
  });
});
