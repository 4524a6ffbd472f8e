import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX } from '@ferry/contracts';

/** Which JetStream stream carries Ferry's events, and under which subject prefix. */
export interface EventStreamConfig {
  /** Stream name; `FERRY_EVENTS` in production, a unique name per test. */
  stream: string;
  /** Subject prefix; the stream captures `<prefix>.>`. */
  subjectPrefix: string;
  /** Window in which JetStream drops a message whose id it has seen: covers relay resends after a crash. */
  duplicateWindowMs: number;
  /** Memory storage for tests; file storage (durable) otherwise. */
  storage: 'file' | 'memory';
}

/** The production stream: durable, two-minute dedupe window. */
export const defaultEventStream: EventStreamConfig = {
  stream: EVENTS_STREAM,
  subjectPrefix: EVENTS_SUBJECT_PREFIX,
  duplicateWindowMs: 120_000,
  storage: 'file',
};

/** Creates the event stream, or brings an existing one to this configuration. Safe to call on every start. */
export async function ensureEventStream(jsm: JetStreamManager, config: EventStreamConfig): Promise<void> {
  const wanted: Partial<StreamConfig> = {
    name: config.stream,
    subjects: [`${config.subjectPrefix}.>`],
    storage: config.storage === 'file' ? StorageType.File : StorageType.Memory,
    duplicate_window: nanos(config.duplicateWindowMs),
  };
  try {
    const info = await jsm.streams.info(config.stream);
    const same =
      info.config.subjects?.join() === wanted.subjects?.join() && info.config.duplicate_window === wanted.duplicate_window;
    // Storage cannot change on a live stream; only subjects and the dedupe window are brought up to date.
    if (!same) {
      await jsm.streams.update(config.stream, {
        ...info.config,
        subjects: wanted.subjects ?? [],
        duplicate_window: wanted.duplicate_window ?? info.config.duplicate_window,
      });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(wanted);
  }
}

/** How a durable consumer delivers and retries. */
export interface DurableConsumerConfig {
  /** Durable name: one per service; replicas sharing it share the work (JetStream's queue group). */
  durable: string;
  /** Subjects the consumer takes; empty means everything in the stream. */
  filterSubjects: string[];
  /** Time the server waits for an ack before it redelivers. */
  ackWaitMs: number;
  /** Deliveries before a message is given up on (and recorded as a dead letter). */
  maxDeliver: number;
}

/** Creates the durable consumer, or updates it to this configuration. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: DurableConsumerConfig,
): Promise<void> {
  const wanted: Partial<ConsumerConfig> = {
    durable_name: config.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(config.ackWaitMs),
    max_deliver: config.maxDeliver,
    deliver_policy: DeliverPolicy.All,
    ...(config.filterSubjects.length === 1
      ? { filter_subject: config.filterSubjects[0] }
      : config.filterSubjects.length > 1
        ? { filter_subjects: config.filterSubjects }
        : {}),
  };
  try {
    await jsm.consumers.info(stream, config.durable);
    await jsm.consumers.update(stream, config.durable, wanted);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, wanted);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}
