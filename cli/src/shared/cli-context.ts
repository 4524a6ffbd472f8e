import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { parseDuration } from '@ferry/contracts';
import { KubeClient } from '@ferry/kube';
import { Printer, type CliIo } from './output';

/** Flux's default namespace for its own objects. */
export const DEFAULT_NAMESPACE = 'flux-system';

/** Field manager of every write the CLI makes (Flux's CLI uses `flux-client-side-apply`). */
export const FIELD_MANAGER = 'ferry';

/** Global flags, as `flux` has them. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  timeout: string;
}

/** What a command needs from its surroundings; tests build one with their own io, env and poll interval. */
export interface CliEnvironment {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  /** How often waits re-read an object (Flux polls every 2s; tests go faster). */
  pollIntervalMs: number;
  /** Directory relative paths (the default `.ferry/` event stores) resolve from; default the process's. */
  cwd?: string;
}

/** One command run: its flags, printer and (lazily) its Kubernetes client. */
export class CliContext {
  readonly print: Printer;
  private client: KubeClient | undefined;

  constructor(
    readonly environment: CliEnvironment,
    readonly options: GlobalOptions,
  ) {
    this.print = new Printer(environment.io);
  }

  /** The context of the command being run, with the root's global flags. */
  static of(environment: CliEnvironment, command: Command): CliContext {
    const opts = command.optsWithGlobals<GlobalOptions>();
    return new CliContext(environment, opts);
  }

  /** The same run, scoped to another namespace (a source referenced across namespaces). */
  inNamespace(namespace: string): CliContext {
    const scoped = new CliContext(this.environment, { ...this.options, namespace });
    scoped.client = this.client;
    return scoped;
  }

  get namespace(): string {
    return this.options.namespace;
  }

  get timeoutMs(): number {
    return parseDuration(this.options.timeout);
  }

  /** The client for --kubeconfig / KUBECONFIG / ~/.kube/config, switched to --context when given. */
  kube(): KubeClient {
    if (this.client) return this.client;
    const config = new KubeConfig();
    const fromEnv = (this.environment.env['KUBECONFIG'] ?? '').split(':').filter(Boolean);
    // One file is loaded as given; a KUBECONFIG list is merged by client-node's default loading, as kubectl does.
    const path = this.options.kubeconfig ?? (fromEnv.length === 1 ? fromEnv[0] : undefined);
    try {
      if (path) config.loadFromFile(path);
      else config.loadFromDefault();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(path ? `cannot load kubeconfig ${path}: ${reason}` : `cannot load kubeconfig: ${reason}`);
    }
    if (this.options.context) {
      if (!config.getContextObject(this.options.context)) {
        throw new Error(`context "${this.options.context}" not found in kubeconfig ${path ?? ''}`.trimEnd());
      }
      config.setCurrentContext(this.options.context);
    }
    if (!config.getCurrentCluster()) throw new Error('no Kubernetes cluster configured: set --kubeconfig or KUBECONFIG');
    this.client = new DeadlineKubeClient(config, this.timeoutMs, this.options.timeout);
    return this.client;
  }

  /** Sleeps one poll interval. */
  pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.environment.pollIntervalMs));
  }
}

/** Runs `work`, failing with `message` if it takes longer than `ms` (a silent server must not hang the CLI). */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A KubeClient whose every request fails after --timeout, so a server that accepts but never answers cannot hang the CLI. */
class DeadlineKubeClient extends KubeClient {
  constructor(
    config: KubeConfig,
    private readonly timeoutMs: number,
    private readonly timeoutText: string,
  ) {
    super(config);
  }

  override request<T = unknown>(method: string, path: string, options?: Parameters<KubeClient['request']>[2]): Promise<T> {
    return withDeadline(
      super.request<T>(method, path, options),
      this.timeoutMs,
      `Kubernetes API at ${this.serverUrl} did not answer within ${this.timeoutText}`,
    );
  }
}
