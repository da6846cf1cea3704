import type { BackgroundWorker, Logger } from '#kernel';
import type { OrderLifecycleService } from './order-lifecycle.service';

/**
 * Cancels orders still unpaid past their payment window, every `intervalMs`; their
 * `order.cancelled` events make products release the stock. Safe in several processes.
 */
export function startUnpaidOrderExpiry({ lifecycle, log, intervalMs }: { lifecycle: OrderLifecycleService; log: Logger; intervalMs: number }): BackgroundWorker {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      while (!stopped && (await lifecycle.cancelUnpaid()) > 0);
    } catch (error) {
      log.warn({ err: error }, 'unpaid order sweep failed; retrying');
    }
  };
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return {
    name: 'unpaid order expiry',
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
