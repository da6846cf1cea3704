import { z } from 'zod';
import { ConfigError, loadConfig, urlWithScheme, type Config } from '#kernel';

/** Published in the code: fine for development and tests, refused in production. */
export const DEVELOPMENT_SIMULATOR_SECRET = 'insecure-development-simulator-secret';

/** An empty variable (compose's `${VAR:-}`) counts as unset. */
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Settings of the payments subgraph beyond the shared ones; each names its variable and default. */
export const paymentsEnv = {
  /** The payment service provider: `simulator` (built in; it pays by calling our webhook). */
  PAYMENT_PROVIDER: z.enum(['simulator']).default('simulator'),
  /** Where the provider sends its webhooks: the gateway's `/payments/webhook`. */
  PAYMENT_WEBHOOK_URL: urlWithScheme(['http:', 'https:']).default('http://127.0.0.1:4000/payments/webhook'),
  /** Key the simulator signs webhooks with and we verify them with. */
  PAYMENT_SIMULATOR_SECRET: z.preprocess(unsetWhenEmpty, z.string().min(16, 'must be at least 16 characters').default(DEVELOPMENT_SIMULATOR_SECRET)),
  /** Largest distance between a webhook's signed timestamp and our clock, in seconds (the replay window). */
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** MongoDB for the append-only transaction log; unset, the log stays in MySQL (nothing is lost). */
  MONGO_URL: z.preprocess(unsetWhenEmpty, urlWithScheme(['mongodb:', 'mongodb+srv:']).optional()),
  /** An open payment with no news from the provider for this long is asked about, in milliseconds. */
  PAYMENT_RECONCILE_AFTER_MS: z.coerce.number().int().min(1_000).default(120_000),
  /** How often open payments are looked for, in milliseconds. */
  PAYMENT_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * The simulator "collects" money that does not exist; production refuses it unless this
   * is `true` (a demo deployment such as docker-compose.yml).
   */
  PAYMENT_SIMULATOR_IN_PRODUCTION: z.enum(['true', 'false']).default('false'),
  /** How long createPayment waits for orders to say what the order costs, in milliseconds. */
  PAYMENT_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
};

export type PaymentsConfig = Config<typeof paymentsEnv>;

export function loadPaymentsConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const config = loadConfig(paymentsEnv, env);
  if (env.NODE_ENV === 'production' && config.PAYMENT_PROVIDER === 'simulator') {
    if (config.PAYMENT_SIMULATOR_IN_PRODUCTION !== 'true') {
      throw new ConfigError('PAYMENT_PROVIDER: the simulator collects no real money; set PAYMENT_SIMULATOR_IN_PRODUCTION=true only for a demo');
    }
    if (config.PAYMENT_SIMULATOR_SECRET === DEVELOPMENT_SIMULATOR_SECRET) {
      throw new ConfigError('PAYMENT_SIMULATOR_SECRET: must be set to a secret of your own in production');
    }
  }
  return config;
}
