/** Every error the Helm library raises for bad input: the message names the chart and the file or field. */
export class HelmError extends Error {
  override readonly name = 'HelmError';
}

/** The message of anything thrown, for wrapping into a HelmError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
