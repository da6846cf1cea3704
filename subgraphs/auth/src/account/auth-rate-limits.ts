import type { Redis } from 'ioredis';
import { RateLimit } from '#kernel';
import type { AuthConfig } from '../auth-config';

/** The throttles on credential endpoints, per client IP and per account (email). */
export interface AuthRateLimits {
  loginPerIp: RateLimit;
  loginPerAccount: RateLimit;
  registerPerIp: RateLimit;
  passwordResetPerIp: RateLimit;
  passwordResetPerAccount: RateLimit;
  verificationPerAccount: RateLimit;
}

export function createAuthRateLimits(redis: Redis, config: AuthConfig): AuthRateLimits {
  const window = config.RATE_LIMIT_WINDOW_SECONDS;
  const limit = (name: string, points: number) => new RateLimit(redis, { name, points, durationSeconds: window });
  return {
    loginPerIp: limit('login-ip', config.LOGIN_ATTEMPTS_PER_IP),
    loginPerAccount: limit('login-account', config.LOGIN_ATTEMPTS_PER_ACCOUNT),
    registerPerIp: limit('register-ip', 20),
    passwordResetPerIp: limit('password-reset-ip', 20),
    passwordResetPerAccount: limit('password-reset-account', 3),
    verificationPerAccount: limit('verification-account', 3),
  };
}
