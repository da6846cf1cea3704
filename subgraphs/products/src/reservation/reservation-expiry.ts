import type { BackgroundWorker, Logger } from '#kernel';
import type { ReservationService } from './reservation.service';

/** Options of {@link startReservationExpiry}. */
export interface ReservationExpiryOptions {
  reservations: ReservationService;
  log: Logger;
  /** Time between sweeps; defaults to 1000 ms. */
  intervalMs?: number;
}

/**
 * Releases expired reservations in the background. Several processes may sweep at once:
 * each reservation's stock comes back once, because only the sweep that flips it from
 * ACTIVE moves stock.
 */
export function startReservationExpiry({ reservations, log, intervalMs = 1000 }: ReservationExpiryOptions): BackgroundWorker {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      while (!stopped && (await reservations.expireDue()) > 0);
    } catch (error) {
      log.warn({ err: error }, 'reservation expiry sweep failed; retrying');
    }
  };
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return {
    name: 'reservation expiry',
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
