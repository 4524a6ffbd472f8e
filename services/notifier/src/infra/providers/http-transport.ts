import { DeliveryError } from '../../app/ports';

/** One HTTP request a provider makes. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The answer, body as text. */
export interface HttpResponse {
  status: number;
  body: string;
}

/** Sends HTTP requests; tests replace it with a recorder, production uses `FetchTransport`. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** Node's fetch with a per-request timeout (the Provider's `spec.timeout`). */
export class FetchTransport implements HttpTransport {
  constructor(private readonly timeoutMs: number) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      // The URL is left out on purpose: webhook addresses are credentials (Slack, Discord, Teams).
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${this.timeoutMs}ms` : `${String(error)}${cause}`;
      throw new DeliveryError(`${request.method} request failed: ${reason}`, null, true);
    }
  }
}

/** Sends and turns a non-2xx answer into a DeliveryError (429 and 5xx are retryable). */
export async function sendOrFail(http: HttpTransport, request: HttpRequest, provider: string): Promise<HttpResponse> {
  const response = await http.send(request);
  if (response.status < 200 || response.status >= 300) throw failure(provider, request.method, response);
  return response;
}

/** The DeliveryError for a provider's non-2xx answer, with the start of its body. */
export function failure(provider: string, method: string, response: HttpResponse): DeliveryError {
  const retryable = response.status === 429 || response.status >= 500;
  return new DeliveryError(
    `${provider}: ${method} answered ${response.status}: ${response.body.slice(0, 200)}`,
    response.status,
    retryable,
  );
}

/** JSON POST headers, with the caller's extra headers. */
export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'Content-Type': 'application/json', ...extra };
}
