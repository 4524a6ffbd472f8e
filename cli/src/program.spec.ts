import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ferryVersion } from './version';

const root = join(__dirname, '..', '..');
const ferry = (...args: string[]) =>
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, 'cli/src/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('ferry version', () => {
  it('prints the version from package.json', () => {
    expect(ferryVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(ferry('version')).toBe(`ferry: v${ferryVersion()}\n`);
  });

  it('answers -v with the same version', () => {
    expect(ferry('-v').trim()).toBe(`v${ferryVersion()}`);
  });
});
