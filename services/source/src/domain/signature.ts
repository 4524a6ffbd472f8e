/** Flux's reasons for `spec.verify` failures (SourceVerified=False). */
export const VerificationReason = {
  VerificationError: 'VerificationError',
  InvalidVerificationMode: 'InvalidVerificationMode',
  InvalidGitObject: 'InvalidGitObject',
  InvalidTagSignature: 'InvalidTagSignature',
  InvalidCommitSignature: 'InvalidCommitSignature',
} as const;

/** What a signature covers and the armored signature itself, cut out of a signed commit or tag object. */
export interface SignedPayload {
  payload: Buffer;
  signature: string;
}

const BEGIN_PGP = '-----BEGIN PGP SIGNATURE-----';

/**
 * Splits a commit object into its OpenPGP signature (the `gpgsig` header and its continuation lines) and the
 * payload git signed (the object without that header); undefined when the commit carries no signature.
 */
export function commitSignature(commit: Buffer): SignedPayload | undefined {
  const text = commit.toString('latin1');
  const headerEnd = text.indexOf('\n\n');
  const headers = (headerEnd < 0 ? text : text.slice(0, headerEnd + 1)).split('\n');
  const kept: string[] = [];
  const signature: string[] = [];
  let inSignature = false;
  for (const line of headers) {
    if (line.startsWith('gpgsig ')) {
      inSignature = true;
      signature.push(line.slice('gpgsig '.length));
    } else if (inSignature && line.startsWith(' ')) {
      signature.push(line.slice(1));
    } else {
      inSignature = false;
      kept.push(line);
    }
  }
  if (signature.length === 0) return undefined;
  const payload = kept.join('\n') + (headerEnd < 0 ? '' : text.slice(headerEnd + 1));
  return { payload: Buffer.from(payload, 'latin1'), signature: `${signature.join('\n')}\n` };
}

/**
 * Splits an annotated tag object into the payload and the OpenPGP signature appended to its message; undefined
 * when the tag is not signed (or `data` is not a tag object at all, as for a lightweight tag).
 */
export function tagSignature(tag: Buffer): SignedPayload | undefined {
  const text = tag.toString('latin1');
  if (!text.startsWith('object ')) return undefined;
  const at = text.lastIndexOf(`\n${BEGIN_PGP}`);
  if (at < 0) return undefined;
  return { payload: Buffer.from(text.slice(0, at + 1), 'latin1'), signature: text.slice(at + 1) };
}
