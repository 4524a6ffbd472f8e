/** An error in the build input: a bad kustomization, a missing file, an unresolvable reference. */
export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
}
