import type { Alert, NotificationAttemptedV1, Provider, Receiver, RawEnvelope } from '@ferry/contracts';
import type { CompiledAlert } from '../domain/alert-matching';
import type { FluxEvent } from '../domain/flux-event';

/** What a provider's endpoint answered; `statusCode` is that of the last request made. */
export interface SendResult {
  statusCode: number | null;
  /** Set when nothing was sent on purpose (duplicate commit status, progressing event, no revision). */
  skipped?: string;
}

/** A failed delivery; `retryable` for network errors, timeouts, 429 and 5xx. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly statusCode: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** One configured provider, ready to send (Flux's `notifier.Interface`). */
export interface NotificationSender {
  /** Sends the event; throws a DeliveryError when the provider did not take it. */
  send(event: FluxEvent): Promise<SendResult>;
}

/** A Provider that can be used: its sender, or why not (for its Ready condition). */
export type ProviderState =
  | { ready: true; provider: Provider; sender: NotificationSender }
  | { ready: false; provider: Provider; message: string };

/** Providers and Alerts as the API server has them, prepared for dispatch. */
export interface NotificationObjects {
  /** Whether Providers and Alerts have been listed: matching before that would drop events. */
  isSynced(): boolean;
  /** Every Alert whose spec is valid, compiled. */
  alerts(): CompiledAlert[];
  /** The Provider named by an Alert, if it exists. */
  provider(namespace: string, name: string): ProviderState | undefined;
  /** Labels of an event's object (for `matchLabels`), from a cache of the cluster; rejects while that cache is
   * not filled yet, so the event is redelivered rather than matched against no labels. */
  labelsOf(object: { apiVersion: string; kind: string; namespace: string; name: string }): Promise<Record<string, string>>;
}

/**
 * The once-only record: the attempts of each (event, alert, provider) pair, one event-store stream per pair.
 * Kept in the event store, not in memory, so it holds across restarts and replicas.
 */
export interface AttemptLog {
  /** The attempts recorded so far in a pair's stream, oldest first. */
  attempts(streamId: string): Promise<NotificationAttemptedV1[]>;
  /** Records an attempt if the stream is still at `expectedVersion` (0: empty); false when another writer was first. */
  record(streamId: string, attempt: NotificationAttemptedV1, expectedVersion: number): Promise<boolean>;
}

/** Receivers by webhook path, with the token their secret holds. */
export interface ReceiverDirectory {
  /** Whether Receivers (and their secrets) have been listed: until then an unknown path may be a valid one. */
  isSynced(): boolean;
  byPath(path: string): { receiver: Receiver; token: string } | undefined;
}

/** An object as a Receiver's resourceFilter sees it (`res`): its type and metadata, as Flux's PartialObjectMetadata. */
export interface ObjectMetadata {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
}

/** Reads objects a Receiver names: `name: "*"` resources are listed, named ones read for its resourceFilter. */
export interface ObjectLister {
  list(apiVersion: string, kind: string, namespace: string, matchLabels?: Record<string, string>): Promise<ObjectMetadata[]>;
  get(apiVersion: string, kind: string, namespace: string, name: string): Promise<ObjectMetadata | undefined>;
}

/** Re-export so transport and infra name the same Alert/Provider types. */
export type { Alert, Provider, Receiver, RawEnvelope };
