import { posix } from 'node:path';
import type { ChartFile } from '../chart/chart';
import { toYaml } from './helm-functions';

/** gobwas/glob (what Helm's Files.Glob uses) with `/` as separator, as a RegExp. */
function globPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.includes('(?:')) re += '|';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i] as string}`;
    else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The chart's `.Files` as templates see it: Get, GetBytes, Glob, Lines, AsConfig, AsSecrets. */
export interface TemplateFiles {
  Get(name: unknown): string;
  GetBytes(name: unknown): Buffer;
  Glob(pattern: unknown): TemplateFiles;
  Lines(name: unknown): string[];
  AsConfig(): string;
  AsSecrets(): string;
}

/**
 * Builds `.Files` over a chart's non-template files. Helm's Files is a map with methods, so `.Files.<name>`
 * also reaches a file's bytes; the methods win over files of the same name, as Go resolves methods first.
 */
export function templateFiles(files: readonly ChartFile[]): TemplateFiles {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const asMap = (encode: (data: Buffer) => string): string => {
    if (byName.size === 0) return '';
    const out: Record<string, string> = {};
    for (const [name, data] of byName) out[posix.basename(name)] = encode(data);
    return toYaml(out);
  };
  const methods: TemplateFiles = {
    Get: (name) => byName.get(String(name))?.toString('utf8') ?? '',
    GetBytes: (name) => byName.get(String(name)) ?? Buffer.alloc(0),
    Glob: (pattern) => {
      const re = globPattern(String(pattern));
      return templateFiles(files.filter((f) => re.test(f.name)));
    },
    Lines: (name) => {
      const data = byName.get(String(name));
      if (!data || data.length === 0) return [];
      return data.toString('utf8').replace(/\n$/, '').split('\n');
    },
    AsConfig: () => asMap((d) => d.toString('utf8')),
    AsSecrets: () => asMap((d) => d.toString('base64')),
  };
  return Object.assign(Object.fromEntries(byName), methods);
}
