import { parseSet } from './strvals';

// Cases from Helm's strvals parser tests (pkg/strvals/parser_test.go).
describe('parseSet', () => {
  it.each([
    ['name=value', { name: 'value' }],
    ['long_int_string=1234567890', { long_int_string: 1234567890 }],
    ['boolean=true', { boolean: true }],
    ['is_null=null', { is_null: null }],
    ['zero=0', { zero: 0 }],
    ['leading_zeros=00009', { leading_zeros: '00009' }],
    ['name1=value1,name2=value2', { name1: 'value1', name2: 'value2' }],
    ['name1=value1,name2=value2,', { name1: 'value1', name2: 'value2' }],
    ['outer.inner=value', { outer: { inner: 'value' } }],
    ['outer.middle.inner=value', { outer: { middle: { inner: 'value' } } }],
    ['outer.inner1=value,outer.inner3=value3', { outer: { inner1: 'value', inner3: 'value3' } }],
    ['name1.name2=', { name1: { name2: '' } }],
    ['name1=one\\,two,name2=three\\,four', { name1: 'one,two', name2: 'three,four' }],
    ['name1\\.name2=one\\.two', { 'name1.name2': 'one.two' }],
    ['name1={value1,value2}', { name1: ['value1', 'value2'] }],
    ['name1={value1,value2},name2={value1,value2}', { name1: ['value1', 'value2'], name2: ['value1', 'value2'] }],
    ['list[0]=foo', { list: ['foo'] }],
    ['list[0].foo=bar', { list: [{ foo: 'bar' }] }],
    ['list[0].foo=bar,list[0].hello=world', { list: [{ foo: 'bar', hello: 'world' }] }],
    ['list[0]=foo,list[1]=bar', { list: ['foo', 'bar'] }],
    ['list[0]=foo,list[3]=bar', { list: ['foo', null, null, 'bar'] }],
    ['nested[0][0]=1', { nested: [[1]] }],
    ['nested[1][1]=1', { nested: [null, [null, 1]] }],
  ])('%s', (expression, expected) => {
    expect(parseSet(expression, {})).toEqual(expected);
  });

  it('keeps strings with --set-string and merges into existing values', () => {
    expect(parseSet('port=80,on=true', {}, true)).toEqual({ port: '80', on: 'true' });
    expect(parseSet('image.tag=2.0', { image: { repository: 'app', tag: '1.0' } })).toEqual({ image: { repository: 'app', tag: '2.0' } });
  });

  it('names what is wrong with a bad expression', () => {
    expect(() => parseSet('name', {})).toThrow('cannot parse --set expression "name": key "name" has no value');
    expect(() => parseSet('list[x]=1', {})).toThrow('bad list index');
    expect(() => parseSet('list[65537]=1', {})).toThrow('greater than maximum supported index value of 65536');
    expect(() => parseSet('a={b,c', {})).toThrow('list value is not closed');
  });
});
