import { removePointer } from './resource-manager';

describe('removePointer', () => {
  it('removes the value at a JSON pointer, with ~1 and ~0 escapes and list indexes', () => {
    const doc = { spec: { replicas: 3, template: { metadata: { annotations: { 'a/b': 'x', 'c~d': 'y', keep: 'z' } } } }, list: [1, 2, 3] };
    removePointer(doc, '/spec/replicas');
    removePointer(doc, '/spec/template/metadata/annotations/a~1b');
    removePointer(doc, '/spec/template/metadata/annotations/c~0d');
    removePointer(doc, '/list/1');
    expect(doc).toEqual({ spec: { template: { metadata: { annotations: { keep: 'z' } } } }, list: [1, 3] });
  });

  it('leaves the document alone when the path does not exist', () => {
    const doc = { spec: { replicas: 3 } };
    removePointer(doc, '/status/ready');
    removePointer(doc, '/spec/replicas/deeper');
    removePointer(doc, '');
    expect(doc).toEqual({ spec: { replicas: 3 } });
  });
});
