import type { FuncMap } from '../template';
import { stringArg } from '../go-args';
import { certFunctions } from './certs';
import { collectionFunctions } from './collections';
import { cryptoFunctions } from './crypto';
import { dateFunctions } from './date';
import { mathFunctions } from './math';
import { miscFunctions } from './misc';
import { regexFunctions } from './regex';
import { semverCompare, SemverVersion } from './semver';
import { stringFunctions } from './strings';

const semverFunctions = {
  semver: (v: unknown) => SemverVersion.parse(stringArg(v)),
  semverCompare: (constraint: unknown, version: unknown) => semverCompare(stringArg(constraint), stringArg(version)),
};

/** Sprig returns errors from its must* forms and panics (a template error too) from the plain ones. */
const mustAliases: Readonly<Record<string, string>> = {
  mustAppend: 'append',
  mustPush: 'push',
  mustPrepend: 'prepend',
  mustFirst: 'first',
  mustRest: 'rest',
  mustLast: 'last',
  mustInitial: 'initial',
  mustReverse: 'reverse',
  mustUniq: 'uniq',
  mustWithout: 'without',
  mustHas: 'has',
  mustSlice: 'slice',
  mustChunk: 'chunk',
  mustCompact: 'compact',
  mustMerge: 'merge',
  mustMergeOverwrite: 'mergeOverwrite',
  mustDeepCopy: 'deepCopy',
  mustRegexMatch: 'regexMatch',
  mustRegexFindAll: 'regexFindAll',
  mustRegexFind: 'regexFind',
  mustRegexReplaceAll: 'regexReplaceAll',
  mustRegexReplaceAllLiteral: 'regexReplaceAllLiteral',
  mustRegexSplit: 'regexSplit',
};

function buildSprig(): FuncMap {
  const base: FuncMap = {
    ...stringFunctions,
    ...mathFunctions,
    ...collectionFunctions,
    ...miscFunctions,
    ...regexFunctions,
    ...cryptoFunctions,
    ...certFunctions,
    ...dateFunctions,
    ...semverFunctions,
  };
  const all: FuncMap = { ...base };
  for (const [alias, name] of Object.entries(mustAliases)) {
    const fn = base[name];
    if (fn) all[alias] = fn;
  }
  return Object.freeze(all);
}

/** Sprig's text function map as Helm uses it: without env, expandenv and the network lookup getHostByName. */
export const sprigFunctions: FuncMap = buildSprig();
