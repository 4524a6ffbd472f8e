/** One entry of `Status.details.causes`, as Kubernetes reports validation failures. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/**
 * A failure that maps to a Kubernetes `Status` body. Domain code throws these; only the HTTP layer turns them
 * into responses, so the reason/code pairs stay those of the API conventions.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }

  /** The `Status` object a real API server returns for this error. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: Object.keys(this.details).length ? this.details : undefined,
      code: this.code,
    };
  }
}

/** 404 with the server's wording: `deployments.apps "web" not found`. */
export function notFound(groupResource: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(404, 'NotFound', `${groupResource} "${name}" not found`, { name, group, kind });
}

/** 409 AlreadyExists. */
export function alreadyExists(groupResource: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${groupResource} "${name}" already exists`, { name, group, kind });
}

/** 409 Conflict for a stale resourceVersion. */
export function staleConflict(groupResource: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind },
  );
}

/** 422 Invalid with field causes. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const msg = causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ');
  return new ApiError(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${msg}`, {
    name,
    group,
    kind,
    causes,
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}
