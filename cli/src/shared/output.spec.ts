import { formatTable, Printer } from './output';

describe('formatTable', () => {
  it('pads every cell to its column and ends each with a tab, as flux tables do', () => {
    expect(formatTable(['NAME', 'READY'], [['podinfo', 'True'], ['a', 'False']])).toBe(
      'NAME   \tREADY\t\npodinfo\tTrue \t\na      \tFalse\t\n',
    );
  });

  it('prints the header alone when there are no rows', () => {
    expect(formatTable(['NAME'], [])).toBe('NAME\t\n');
  });
});

describe('Printer', () => {
  it('writes flux symbols to stderr and data to stdout', () => {
    let out = '';
    let err = '';
    const print = new Printer({ out: (t) => (out += t), err: (t) => (err += t) });
    print.generate('g');
    print.action('a');
    print.success('s');
    print.waiting('w');
    print.failure('f');
    print.warning('x');
    print.data('table\n');
    expect(err).toBe('✚ g\n► a\n✔ s\n◎ w\n✗ f\n⚠️ x\n');
    expect(out).toBe('table\n');
  });
});
