import { DeliveryError } from '../../app/ports';

/** One HTTP request a provider makes. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
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

/** An `Authorization: Basic` value. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
