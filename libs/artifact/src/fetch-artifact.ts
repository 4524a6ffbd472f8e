import { createHash } from 'node:crypto';

/** Why an artifact could not be fetched or trusted. */
export class ArtifactFetchError extends Error {
  override readonly name = 'ArtifactFetchError';
  constructor(
    message: string,
    /** `verify` for a digest mismatch (the artifact is not what the source announced), else `fetch`. */
    readonly stage: 'fetch' | 'verify',
  ) {
    super(message);
  }
}

/** `sha256:<hex>` of some bytes, Flux's digest format. */
export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Downloads an artifact and checks it against the digest its source published. A body larger than
 * `maxBytes` or a different digest is refused before anything is unpacked.
 */
export async function fetchArtifact(
  url: string,
  expectedDigest: string,
  options: { maxBytes: number; timeoutMs: number },
): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    throw new ArtifactFetchError(`failed to download artifact from ${url}: ${error instanceof Error ? error.message : String(error)}`, 'fetch');
  }
  if (!response.ok || !response.body) {
    throw new ArtifactFetchError(`failed to download artifact from ${url}, status: ${response.status} ${response.statusText}`, 'fetch');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > options.maxBytes) {
      throw new ArtifactFetchError(`artifact ${url} is larger than ${options.maxBytes} bytes`, 'fetch');
    }
    chunks.push(Buffer.from(chunk));
  }
  const data = Buffer.concat(chunks);
  const digest = sha256Digest(data);
  if (digest !== expectedDigest) {
    throw new ArtifactFetchError(`failed to verify artifact: computed digest ${digest} does not match ${expectedDigest}`, 'verify');
  }
  return data;
}
