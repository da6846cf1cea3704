import { z } from 'zod';
import { loadConfig, type Config } from '#kernel';

const seconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Settings of the auth subgraph beyond the shared ones; each names its variable and default. */
export const authEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** JSON `[{ "kid": "...", "privateKeyPem": "-----BEGIN PRIVATE KEY-----..." }]`, EC P-256; the first signs, all verify. */
  AUTH_SIGNING_KEYS: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: seconds(900),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(24 * 3600),
  PASSWORD_RESET_TTL_SECONDS: seconds(3600),
  /** Comma-separated emails that become ADMIN once verified (bootstraps the first admin). */
  AUTH_ADMIN_EMAILS: z.string().default(''),
  /** Storefront origin used in emailed links. */
  APP_URL: z.string().url().default('http://localhost:3000'),
  MAIL_FROM: z.string().min(3).default('Shop <no-reply@shop.local>'),
  /** SMTP server (smtp:// or smtps://); without it mail is written as JSON files to MAIL_DIR. */
  SMTP_URL: z.preprocess((value) => (value === '' ? undefined : value), z.string().url().optional()),
  MAIL_DIR: z.string().min(1).default('.data/mail'),
  /** Attempts per window; tests shorten the window to see a limit recover. */
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_WINDOW_SECONDS: seconds(900),
};

export type AuthConfig = Config<typeof authEnv>;

export const loadAuthConfig = (env: NodeJS.ProcessEnv = process.env): AuthConfig => loadConfig(authEnv, env);
