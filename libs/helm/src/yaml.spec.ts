import { parseYaml } from './yaml';

describe('parseYaml', () => {
  it('reads scalars as go-yaml v2 does for Helm', () => {
    expect(parseYaml('on: yes\noff: No\nmode: 0755\nhex: 0x1F\nday: 2024-01-02\nclock: 1:20\nnum: 1e3\nnothing: ~\nquoted: "yes"\n')).toEqual({
      true: true,
      false: false,
      mode: 493,
      hex: 31,
      day: '2024-01-02',
      clock: '1:20',
      num: 1000,
      nothing: null,
      quoted: 'yes',
    });
  });
});
