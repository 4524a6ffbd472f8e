import { sourceIgnoreMatcher } from './source-ignore';

describe('sourceIgnoreMatcher', () => {
  it('excludes Flux defaults: VCS files, CI config, images and archives', () => {
    const ignored = sourceIgnoreMatcher([], undefined);
    for (const path of ['.gitignore', '.github/workflows/ci.yml', 'docs/logo.png', 'bundle.tar.gz', 'a/.sops.yaml', '.gitlab-ci.yml']) {
      expect([path, ignored(path)]).toEqual([path, true]);
    }
    expect(ignored('deploy/app.yaml')).toBe(false);
  });

  it('applies spec.ignore after the defaults, so it can re-include', () => {
    const ignored = sourceIgnoreMatcher([], '/*\n!/deploy\n!logo.png\n');
    expect(ignored('README.md')).toBe(true);
    expect(ignored('deploy/app.yaml')).toBe(false);
    expect(ignored('deploy/logo.png')).toBe(false);
  });

  it('scopes a nested .sourceignore to its directory', () => {
    const ignored = sourceIgnoreMatcher(
      [
        { dir: '', content: '# comment\n*.md\n' },
        { dir: 'apps', content: 'secret.yaml\n/local/\n' },
      ],
      undefined,
    );
    expect(ignored('README.md')).toBe(true);
    expect(ignored('apps/x/secret.yaml')).toBe(true);
    expect(ignored('secret.yaml')).toBe(false);
    expect(ignored('apps/local/a.yaml')).toBe(true);
    expect(ignored('apps/x/local/a.yaml')).toBe(false);
  });
});
