import { connect, type NatsConnection } from 'nats';

/** Connects to NATS, naming the connection after the service; fails with the address when unreachable. */
export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to NATS at ${servers.replace(/\/\/[^@/]*@/, '//')}: ${reason}`);
  }
}
