/** The submodules a `.gitmodules` file declares (`[submodule "name"]` with `path` and `url`). */
export function parseGitmodules(text: string): Array<{ name: string; path: string; url: string }> {
  const modules: Array<{ name: string; path?: string; url?: string }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[submodule\s+"(.*)"\]$/.exec(line);
    if (section) {
      modules.push({ name: section[1] as string });
      continue;
    }
    const setting = /^(\w+)\s*=\s*(.*)$/.exec(line);
    const current = modules[modules.length - 1];
    if (!setting || !current) continue;
    const value = (setting[2] as string).replace(/^"(.*)"$/, '$1');
    if (setting[1] === 'path') current.path = value.replace(/\/+$/, '');
    if (setting[1] === 'url') current.url = value;
  }
  return modules.filter((module): module is { name: string; path: string; url: string } => Boolean(module.path && module.url));
}

/** A submodule URL; a relative one (`../lib.git`) is resolved against the superproject's URL, as git does. */
export function submoduleUrl(parent: string, url: string): string {
  if (!url.startsWith('./') && !url.startsWith('../')) return url;
  const base = new URL(parent);
  const segments = base.pathname.replace(/\/+$/, '').split('/');
  for (const part of url.split('/')) {
    if (part === '..') segments.pop();
    else if (part !== '.') segments.push(part);
  }
  base.pathname = segments.join('/');
  return base.toString();
}
