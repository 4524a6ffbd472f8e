import { parseGitmodules, submoduleUrl } from './submodules';

describe('parseGitmodules', () => {
  it('reads name, path and url of each submodule, skipping comments and incomplete entries', () => {
    const text = [
      '[submodule "vendor/lib"]',
      '\tpath = vendor/lib',
      '\turl = ../lib.git',
      '# a comment',
      '[submodule "other"]',
      '  path = "third party/other/"',
      '  url = https://example.invalid/other.git',
      '[submodule "broken"]',
      '  path = nowhere',
    ].join('\n');
    expect(parseGitmodules(text)).toEqual([
      { name: 'vendor/lib', path: 'vendor/lib', url: '../lib.git' },
      { name: 'other', path: 'third party/other', url: 'https://example.invalid/other.git' },
    ]);
  });
});

describe('submoduleUrl', () => {
  it('resolves relative URLs against the superproject URL as git does, and keeps absolute ones', () => {
    expect(submoduleUrl('http://127.0.0.1:8080/org/app.git', '../lib.git')).toBe('http://127.0.0.1:8080/org/lib.git');
    expect(submoduleUrl('https://git.example/org/app.git/', '../../other/lib')).toBe('https://git.example/other/lib');
    expect(submoduleUrl('ssh://git@host/org/app.git', './sub.git')).toBe('ssh://git@host/org/app.git/sub.git');
    expect(submoduleUrl('https://git.example/org/app.git', 'https://elsewhere.example/x.git')).toBe('https://elsewhere.example/x.git');
  });
});
