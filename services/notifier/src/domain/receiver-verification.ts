import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Receiver } from '@ferry/contracts';
import { compileCel, type CelProgram } from './cel';

/** Flux's webhook path: `/hook/` + hex sha256 of token + name + namespace. */
export function webhookPath(token: string, name: string, namespace: string): string {
  return `/hook/${createHash('sha256').update(token + name + namespace).digest('hex')}`;
}

/** An incoming webhook call: lower-case header names, the raw body. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/**
 * The verdict on a webhook call. Not accepted: a 401 for missing or wrong credentials, a 400 (`malformed`) for a
 * body the type's sender would never send. `ping` is 200 with no reconcile.
 */
export type WebhookVerdict =
  | { accepted: true; reconcile: boolean; note?: string }
  | { accepted: false; reason: string; malformed?: true };

/** Constant-time comparison of two strings (different lengths compare unequal without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

const algorithms: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

/** Checks `<algo>=<hex>` against the HMAC of the body with the token. */
function validSignature(header: string | undefined, token: string, body: Buffer): boolean {
  if (!header) return false;
  const [prefix, signature] = header.split('=', 2);
  const algorithm = algorithms[prefix ?? ''];
  if (!algorithm || !signature) return false;
  return safeEqual(createHmac(algorithm, token).update(body).digest('hex'), signature.toLowerCase());
}

function eventAllowed(receiver: Receiver, event: string | undefined): boolean {
  const events = receiver.spec.events ?? [];
  if (events.length === 0) return true;
  return event !== undefined && events.some((allowed) => allowed.toLowerCase() === event.toLowerCase());
}

// The event header's value against spec.events, as Flux filters GitHub, GitLab and Bitbucket calls.
function byEvent(receiver: Receiver, sender: string, event: string | undefined): WebhookVerdict {
  return eventAllowed(receiver, event) ? { accepted: true, reconcile: true } : { accepted: false, reason: `${sender} event "${event ?? ''}" is not in spec.events` };
}

// Registries' payloads are only decoded by Flux (to log the image): a body that is not a JSON object is refused.
function jsonObjectBody(sender: string, body: Buffer): WebhookVerdict {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { accepted: true, reconcile: true };
  } catch {
    // reported below
  }
  return { accepted: false, reason: `the body is not a ${sender} webhook payload (a JSON object)`, malformed: true };
}

/**
 * Flux's receiver validation by type. The path already proved knowledge of the token for `generic`; the
 * others also authenticate the call itself (shared token header or HMAC signature).
 */
export function verifyWebhook(receiver: Receiver, token: string, request: WebhookRequest): WebhookVerdict {
  switch (receiver.spec.type) {
    case 'generic':
      return { accepted: true, reconcile: true };
    case 'generic-hmac':
      return validSignature(request.headers['x-signature'], token, request.body)
        ? { accepted: true, reconcile: true }
        : { accepted: false, reason: 'the X-Signature header is missing or does not match the HMAC of the body' };
    case 'github': {
      const signature = request.headers['x-hub-signature-256'] ?? request.headers['x-hub-signature'];
      if (!validSignature(signature, token, request.body)) {
        return { accepted: false, reason: 'the X-Hub-Signature-256 header is missing or does not match the HMAC of the body' };
      }
      const event = request.headers['x-github-event'];
      if (event === 'ping') return { accepted: true, reconcile: false, note: 'ping' };
      return byEvent(receiver, 'GitHub', event);
    }
    case 'gitlab': {
      if (!safeEqual(request.headers['x-gitlab-token'] ?? '', token)) {
        return { accepted: false, reason: 'the X-Gitlab-Token header is missing or wrong' };
      }
      return byEvent(receiver, 'GitLab', request.headers['x-gitlab-event']);
    }
    case 'bitbucket': {
      // Bitbucket Server signs like GitHub (X-Hub-Signature: sha256=<hmac>); the event is in X-Event-Key.
      const signature = request.headers['x-hub-signature-256'] ?? request.headers['x-hub-signature'];
      if (!validSignature(signature, token, request.body)) {
        return { accepted: false, reason: 'the X-Hub-Signature header is missing or does not match the HMAC of the body' };
      }
      return byEvent(receiver, 'Bitbucket', request.headers['x-event-key']);
    }
    case 'harbor':
      return safeEqual(request.headers['authorization'] ?? '', token)
        ? { accepted: true, reconcile: true }
        : { accepted: false, reason: 'the Authorization header does not match the receiver token' };
    case 'nexus': {
      // Nexus signs with HMAC-SHA1, hex, without an algorithm prefix.
      const signature = request.headers['x-nexus-webhook-signature'];
      if (!signature || !safeEqual(createHmac('sha1', token).update(request.body).digest('hex'), signature)) {
        return { accepted: false, reason: 'the X-Nexus-Webhook-Signature header is missing or does not match the HMAC of the body' };
      }
      return jsonObjectBody('Nexus', request.body);
    }
    // Quay, Docker Hub and ACR do not sign their calls: knowing the secret path is the authentication, as in Flux.
    case 'quay':
      return jsonObjectBody('Quay', request.body);
    case 'dockerhub':
      return jsonObjectBody('Docker Hub', request.body);
    case 'acr':
      return jsonObjectBody('ACR', request.body);
    default:
      return { accepted: false, reason: `receiver type "${receiver.spec.type}" is not supported by Ferry` };
  }
}

/**
 * Receiver types Ferry verifies; other Flux types are reported as not supported on the Receiver's status: `gcr`
 * (Flux checks the caller's Google ID token against oauth2.googleapis.com) and `cdevents` (validated against the
 * CDEvents schemas).
 */
export const SUPPORTED_RECEIVER_TYPES = ['generic', 'generic-hmac', 'github', 'gitlab', 'bitbucket', 'harbor', 'nexus', 'quay', 'dockerhub', 'acr'] as const;

/** Compiles a Receiver's `spec.resourceFilter` over Flux's variables: `res` (each resource) and `req` (the JSON body). */
export function compileResourceFilter(expression: string): CelProgram {
  return compileCel(expression, ['res', 'req']);
}
