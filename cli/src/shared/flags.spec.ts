import { InvalidArgumentError } from 'commander';
import { durationFlag, kindName, labelsOf, listFlag } from './flags';

describe('flags', () => {
  it('normalises durations to Go form and rejects others with a hint', () => {
    expect(durationFlag('1m')).toBe('1m0s');
    expect(durationFlag('90s')).toBe('1m30s');
    expect(durationFlag('2h')).toBe('2h0m0s');
    expect(() => durationFlag('10 minutes')).toThrow(InvalidArgumentError);
  });

  it('collects repeated and comma-separated values', () => {
    expect(listFlag('b,c', listFlag('a', undefined))).toEqual(['a', 'b', 'c']);
  });

  it('splits Kind/name and names the flag when it does not parse', () => {
    expect(kindName('GitRepository/*', '--event-source')).toEqual({ kind: 'GitRepository', name: '*' });
    expect(() => kindName('podinfo', '--resource')).toThrow('invalid --resource "podinfo": expected <kind>/<name>');
  });

  it('parses labels', () => {
    expect(labelsOf(['a=b', 'c=d=e'])).toEqual({ a: 'b', c: 'd=e' });
    expect(labelsOf(undefined)).toBeUndefined();
    expect(() => labelsOf(['oops'])).toThrow('invalid --label "oops": expected <key>=<value>');
  });
});
