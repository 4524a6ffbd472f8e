import { RemoteError, discover, lsRefs, pktLine, type GitHttpClient, type GitHttpRequest } from './upload-pack';

/** Answers every request with the given pkt-lines, recording the requests. */
function answering(...lines: string[]): GitHttpClient & { seen: GitHttpRequest[] } {
  const seen: GitHttpRequest[] = [];
  return {
    seen,
    async request(request) {
      seen.push(request);
      return {
        statusCode: 200,
        statusMessage: 'OK',
        body: (async function* () {
          yield Buffer.from(lines.join(''));
        })(),
      };
    },
  };
}

describe('upload-pack client', () => {
  const remote = (http: GitHttpClient) => ({ http, url: 'https://git.example.invalid/app.git', headers: {}, protocolV2: true, advertisesFirst: false });

  it('frames pkt-lines with their length in hex', () => {
    expect(pktLine('done\n')).toBe('0009done\n');
  });

  it('reports an ERR line in place of the advertisement as a remote error', async () => {
    await expect(discover(remote(answering(pktLine('ERR access denied or repository not exported\n'))))).rejects.toThrow(
      new RemoteError('access denied or repository not exported'),
    );
  });

  it('falls back to the v0 advertisement when the answer to ls-refs is not a v2 one', async () => {
    const oid = 'a'.repeat(40);
    const tag = 'b'.repeat(40);
    const advertisement = [
      pktLine('# service=git-upload-pack\n'),
      '0000',
      pktLine(`${oid} HEAD\0multi_ack side-band-64k ofs-delta shallow\n`),
      pktLine(`${oid} refs/heads/main\n`),
      pktLine(`${tag} refs/tags/v1\n`),
      pktLine(`${oid} refs/tags/v1^{}\n`),
      '0000',
    ];
    const http = answering(...advertisement);
    expect(await lsRefs(remote(http), 'refs/tags/')).toEqual([{ ref: 'refs/tags/v1', oid, object: tag }]);
    expect(http.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://git.example.invalid/app.git/git-upload-pack',
      'GET https://git.example.invalid/app.git/info/refs?service=git-upload-pack',
    ]);
  });
});
