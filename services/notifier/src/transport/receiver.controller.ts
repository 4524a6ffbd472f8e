import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { LOGGER } from '@ferry/platform';
import type { Logger } from '@ferry/observability';
import type { ReceiveWebhookHandler } from '../app/receive-webhook.handler';
import { RECEIVE_WEBHOOK_HANDLER } from './tokens';

interface HookRequest extends AsyncIterable<Buffer> {
  headers: Record<string, string | string[] | undefined>;
  readable: boolean;
  rawBody?: Buffer;
}

/** The exact bytes received: Nest's parsers keep them in rawBody; other content types are still unread. */
async function rawBodyOf(request: HookRequest): Promise<Buffer> {
  if (request.rawBody) return request.rawBody;
  if (!request.readable) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

interface HookResponse {
  status(code: number): { json(body: unknown): void };
}

/** Flux's receiver endpoint: POST /hook/<sha256(token+name+namespace)>. The digest is never logged. */
@Controller('hook')
export class ReceiverController {
  constructor(
    @Inject(RECEIVE_WEBHOOK_HANDLER) private readonly handler: ReceiveWebhookHandler,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':digest')
  @HttpCode(200)
  async receive(@Param('digest') digest: string, @Req() request: HookRequest, @Res() response: HookResponse): Promise<void> {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
    const body = await rawBodyOf(request);
    const outcome = await this.handler.handle(`/hook/${digest}`, { headers, body });
    if (outcome.status === 200) {
      this.logger.info(`webhook accepted${outcome.note ? ` (${outcome.note})` : ''}: ${outcome.requested.length} reconcile request(s)`, { resources: outcome.requested.map((r) => `${r.kind}/${r.namespace}/${r.name}`) });
      response.status(200).json({ requested: outcome.requested });
      return;
    }
    this.logger.error(`webhook rejected: ${outcome.reason}`, { status: outcome.status, ...(outcome.receiver ? { kind: 'Receiver', ...outcome.receiver } : {}) });
    response.status(outcome.status).json({ error: outcome.status === 404 ? 'not found' : outcome.reason });
  }
}
