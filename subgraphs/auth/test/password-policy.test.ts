import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, normaliseEmail } from '../src/password/password-policy';

describe('password policy', () => {
  it.each([
    ['too short', 'Abc12345!', /at least 10/],
    ['too long', 'x'.repeat(257), /at most 256/],
    ['common', 'Password123', /too common/],
    ['the email itself', 'jane.doe.shop@example.com', /email address/],
    ['the email’s local part', 'Jane.Doe.Shop', /email address/],
  ])('refuses a password that is %s', (_case, password, message) => {
    expect(() => assertAcceptablePassword(password, 'jane.doe.shop@example.com', 'input.password')).toThrow(message);
  });

  it('accepts a long uncommon passphrase', () => {
    expect(() => assertAcceptablePassword('staple horse battery 42', 'jane@example.com', 'input.password')).not.toThrow();
  });
});

describe('email normalisation', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ', 'email')).toBe('jane.doe@example.com');
  });

  it.each(['', 'jane', 'jane@', '@example.com', 'jane doe@example.com', `${'a'.repeat(250)}@example.com`])('refuses %j', (email) => {
    expect(() => normaliseEmail(email, 'email')).toThrow(/valid email/);
  });
});
