import type { Logger } from './logger';
import type { BackgroundWorker } from './subgraph-server';

/** Options of {@link startPeriodicWorker}. */
export interface PeriodicWorkerOptions {
  name: string;
  intervalMs: number;
  log: Logger;
  /**
   * One pass, e.g. "release what expired". Returns how many items it handled; a pass
   * that handled any is followed at once by another (a backlog drains without waiting),
   * until one handles none or the worker stops.
   */
  pass: () => Promise<number>;
}

/**
 * Runs `pass` every `intervalMs` in the background, never two at once in this process
 * (a tick that finds the previous run still going is skipped, so slow passes cannot pile
 * up). A failing pass is logged and tried again at the next tick.
 */
export function startPeriodicWorker({ name, intervalMs, log, pass }: PeriodicWorkerOptions): BackgroundWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = async () => {
    try {
      while (!stopped && (await pass()) > 0);
    } catch (error) {
      log.warn({ err: error, worker: name }, `${name} failed; retrying at the next tick`);
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => {
    running ??= run();
  }, intervalMs);
  timer.unref();
  return {
    name,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
