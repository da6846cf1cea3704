import type { Logger } from './logger';
import { ConfigError } from './config';

type Closer = () => Promise<unknown> | unknown;

/**
 * Closes what a process opened, last opened first, on SIGINT/SIGTERM or after a failed
 * start. Each closer gets `timeoutMs` (default 5 s) so one hung connection cannot keep
 * the process alive.
 */
export class Lifecycle {
  private readonly closers: { name: string; close: Closer }[] = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = 5_000,
  ) {}

  /** Registers `close` to run at shutdown. */
  add(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, close } of this.closers.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        });
        try {
          await Promise.race([Promise.resolve().then(close), timeout]);
        } catch (error) {
          this.log.warn({ error }, `closing ${name} failed`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.stopping;
  }

  /** Stops on SIGINT/SIGTERM, then exits 0. */
  stopOnSignals(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.log.info({ signal }, 'shutting down');
      // The logger writes asynchronously: flush it, or the last lines die with the process.
      void this.stop().then(() => this.log.flush(() => process.exit(0)));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
}

/**
 * Runs a process's `start` function. A configuration error prints its one line and
 * exits 1; any other start failure prints a one-line reason (the detail goes to the
 * JSON log when one exists) and exits 1.
 */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    const message = error instanceof ConfigError ? error.message : `failed to start: ${describe(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
