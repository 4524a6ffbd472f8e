import { commitSignature, tagSignature } from './signature';

describe('commitSignature', () => {
  const signature = ['-----BEGIN PGP SIGNATURE-----', '', 'iHUEABYKAB0WIQ', '=abcd', '-----END PGP SIGNATURE-----'];
  const commit = [
    'tree 1111111111111111111111111111111111111111',
    'author A <a@x> 1 +0000',
    'committer A <a@x> 1 +0000',
    `gpgsig ${signature[0]}`,
    ...signature.slice(1).map((line) => ` ${line}`),
    '',
    'message',
    ' indented body line',
    '',
  ].join('\n');

  it('cuts the gpgsig header out: the payload is the commit git signed, the signature its armored text', () => {
    expect(commitSignature(Buffer.from(commit))).toEqual({
      payload: Buffer.from('tree 1111111111111111111111111111111111111111\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmessage\n indented body line\n'),
      signature: `${signature.join('\n')}\n`,
    });
  });

  it('finds no signature on an unsigned commit', () => {
    expect(commitSignature(Buffer.from('tree 1111111111111111111111111111111111111111\n\nmsg\n'))).toBeUndefined();
  });
});

describe('tagSignature', () => {
  it('splits a signed tag at its signature, and finds none on an unsigned tag or a commit', () => {
    const payload = 'object 1111111111111111111111111111111111111111\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nrelease\n';
    const signature = '-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
    expect(tagSignature(Buffer.from(payload + signature))).toEqual({ payload: Buffer.from(payload), signature });
    expect(tagSignature(Buffer.from(payload))).toBeUndefined();
    expect(tagSignature(Buffer.from('tree 1111111111111111111111111111111111111111\n\nmsg\n'))).toBeUndefined();
  });
});
