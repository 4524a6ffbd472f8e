import ignore from 'ignore';

/**
 * The patterns source-controller always excludes from an artifact (sourceignore's VCS, extension, CI and
 * extra sets), before any `.sourceignore` file or `spec.ignore`, so either can re-include with `!`.
 */
export const DEFAULT_SOURCE_IGNORE = [
  '.git/',
  '.gitignore',
  '.gitmodules',
  '.gitattributes',
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

/** The file in any directory of a source whose gitignore patterns apply to that directory. */
export const SOURCE_IGNORE_FILE = '.sourceignore';

/** A `.sourceignore` file found in the tree: its directory (`''` at the root) and content. */
export interface SourceIgnoreFile {
  dir: string;
  content: string;
}

/** Rewrites a pattern of a nested `.sourceignore` so it applies below its own directory only, as gitignore does. */
function scoped(dir: string, line: string): string {
  if (!dir) return line;
  const negated = line.startsWith('!');
  const pattern = negated ? line.slice(1) : line;
  const anchored = pattern.replace(/\/$/, '').includes('/');
  const rewritten = anchored ? `${dir}/${pattern.replace(/^\//, '')}` : `${dir}/**/${pattern}`;
  return negated ? `!${rewritten}` : rewritten;
}

/**
 * Whether a path (slash-separated, relative to the root) is excluded from the artifact: Flux's defaults,
 * then every `.sourceignore` (shallowest first), then `spec.ignore`, in gitignore syntax.
 */
export function sourceIgnoreMatcher(files: readonly SourceIgnoreFile[], specIgnore: string | undefined): (path: string) => boolean {
  const matcher = ignore().add(DEFAULT_SOURCE_IGNORE);
  const ordered = [...files].sort((a, b) => a.dir.split('/').length - b.dir.split('/').length || a.dir.localeCompare(b.dir));
  for (const file of ordered) {
    const lines = file.content.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
    matcher.add(lines.map((line) => scoped(file.dir, line)));
  }
  if (specIgnore) matcher.add(specIgnore);
  return (path) => matcher.ignores(path);
}
