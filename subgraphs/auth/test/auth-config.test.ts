import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../src/auth-config';

describe('auth configuration', () => {
  it('treats an empty SMTP_URL (as docker compose passes it) as not set', () => {
    expect(loadAuthConfig({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
  });

  it('names a malformed SMTP_URL', () => {
    expect(() => loadAuthConfig({ SMTP_URL: 'mail.example.com' })).toThrow(/SMTP_URL/);
  });
});
