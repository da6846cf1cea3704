import { z } from 'zod';
import { loadConfig, type Config } from '#kernel';

/** Settings of the orders subgraph beyond the shared ones; each names its variable and default. */
export const ordersEnv = {
  /**
   * How long a placed order waits for its payment before it is cancelled and its stock
   * released, in seconds. At most 86 100: products holds stock for at most a day, and the
   * hold outlives the window by 5 minutes.
   */
  ORDER_PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_100).default(900),
  /** Time between sweeps for unpaid orders past their window, in milliseconds. */
  ORDER_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(1_000),
  /** How long placing an order waits for products (stock) and users (address) to answer, in milliseconds. */
  ORDER_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
};

export type OrdersConfig = Config<typeof ordersEnv>;

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig => loadConfig(ordersEnv, env);
