import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { isLocalBuild, runLocalBuild } from './local-build';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, environment: { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, env: {}, pollIntervalMs: 10 } };
}

describe('local build (ferry build kustomization without the rest of the CLI)', () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ferry-local-build-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(join(dir, 'kustomization.yaml'), 'namePrefix: p-\nresources:\n- cm.yaml\n');
  fs.writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');

  it('takes only build kustomization with its own options', () => {
    expect(isLocalBuild(['build', 'kustomization', dir])).toBe(true);
    expect(isLocalBuild(['build', 'kustomization', dir, '--reorder', 'none', '--load-restrictor=LoadRestrictionsNone'])).toBe(true);
    expect(isLocalBuild(['build', 'kustomization', dir, '-n', 'x'])).toBe(false);
    expect(isLocalBuild(['build', 'kustomization', '--help'])).toBe(false);
    expect(isLocalBuild(['--timeout', '1m', 'build', 'kustomization', dir])).toBe(false);
    expect(isLocalBuild(['get', 'kustomizations'])).toBe(false);
  });

  it('prints the build', async () => {
    const c = capture();
    await expect(runLocalBuild(['build', 'kustomization', dir], c.environment)).resolves.toBe(0);
    expect(c.out.join('')).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-a\n');
  });

  it('reports a failed build and a bad option as the full program does', async () => {
    const missing = capture();
    await expect(runLocalBuild(['build', 'kustomization', join(dir, 'missing')], missing.environment)).resolves.toBe(1);
    expect(missing.err.join('')).toMatch(/^✗ evalsymlink failure on '.*missing'/);
    const bad = capture();
    await expect(runLocalBuild(['build', 'kustomization', dir, '--reorder', 'sideways'], bad.environment)).resolves.toBe(1);
    expect(bad.err.join('')).toMatch(/^✗ option '--reorder <order>' argument 'sideways' is invalid/);
  });
});
