import { randomUUID } from 'node:crypto';
/** Log levels, most verbose first. */
export type LogLevel = 'debug' | 'info' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, error: 2 };

/** Structured fields of a log line (Flux's: controller, controllerKind, name, namespace, revision …). */
export type LogFields = Record<string, unknown>;

const SECRET_KEYS = /^(password|token|secret|bearerToken|authorization|privateKey|identity|apiKey)$/i;

/** Removes `user:pass@` from URLs inside a string: credentials never reach a log line. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1');
}

function redact(value: unknown, key?: string): unknown {
  if (key && SECRET_KEYS.test(key)) return '[redacted]';
  if (typeof value === 'string') return redactUrls(value);
  if (value instanceof Error) return redactUrls(value.message);
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

/**
 * A JSON-lines logger in the shape Flux's controllers log: `{"level","ts","logger","msg",…fields}`.
 * Credentials are redacted from every field.
 */
export class Logger {
  constructor(
    private readonly name: string,
    private readonly fields: LogFields = {},
    private readonly minLevel: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  /** A logger that adds `fields` to every line (e.g. the object being reconciled). */
  child(fields: LogFields): Logger {
    return new Logger(this.name, { ...this.fields, ...fields }, this.minLevel, this.write);
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (levelRank[level] < levelRank[this.minLevel]) return;
    const line = {
      level,
      ts: new Date().toISOString(),
      logger: this.name,
      msg: redactUrls(msg),
      ...(redact({ ...this.fields, ...fields }) as LogFields),
    };
    this.write(`${JSON.stringify(line)}\n`);
  }
}

/** The controller a reconcile belongs to, as Flux names it in its log lines. */
export interface ControllerIdentity {
  /** e.g. `kustomization`, `gitrepository`. */
  controller: string;
  /** e.g. `kustomize.toolkit.fluxcd.io`. */
  controllerGroup: string;
  /** e.g. `Kustomization`. */
  controllerKind: string;
}

/** The logger of one reconcile: Flux's controller fields, the object, and a fresh reconcileID. */
export function reconcileLogger(logger: Logger, identity: ControllerIdentity, name: string, namespace: string): Logger {
  return logger.child({ ...identity, name, namespace, reconcileID: randomUUID() });
}
