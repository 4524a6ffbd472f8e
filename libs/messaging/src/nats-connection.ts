import { connect, type NatsConnection } from 'nats';

/** Connects to NATS, naming the connection after the service; fails with the address when unreachable. */
export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  try {
    // noAsyncTraces: every request (each JetStream publish, each pull) would otherwise build an Error to keep
    // the caller's stack for a possible timeout; at 1,000 events/s that was 2–4% of the notifier's CPU.
    return await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000, noAsyncTraces: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to NATS at ${servers.replace(/\/\/[^@/]*@/, '//')}: ${reason}`);
  }
}
