import pino, { type Logger } from 'pino';

export type { Logger };

/** Field paths whose values never reach a log line (the seed's "sensitive data masking"). */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'authorization',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-service-key"]',
  'variables.*.password',
  'variables.password',
  // Payment providers' tokens for customers' payment details.
  'paymentToken',
  '*.paymentToken',
  'variables.input.paymentToken',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the process, written as `service` on every line. */
  service: string;
  /** Minimum level; defaults to `info`. */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/**
 * JSON logs in the seed's format: one object per line with `timestamp`, `level`,
 * `service`, `traceId`, `spanId` (from the child logger of a request), `message`, then
 * the line's own fields. Secrets are replaced by `[redacted]`.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      messageKey: 'message',
      errorKey: 'error',
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
