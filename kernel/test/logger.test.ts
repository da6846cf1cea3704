import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#kernel';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, destination };
}

describe('JSON logs', () => {
  it('write the seed’s fields on every line', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'orders', destination });
    log.child({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }).info({ orderId: 'o1' }, 'order placed');
    expect(lines[0]).toEqual({
      level: 'info',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'orders',
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      orderId: 'o1',
      message: 'order placed',
    });
  });

  it('never contain passwords, tokens or authorization headers', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'auth', destination });
    log.info({ password: 'hunter22', input: { password: 'x', refreshToken: 'r' }, headers: { authorization: 'Bearer t' } }, 'login');
    const line = JSON.stringify(lines[0]);
    expect(line).not.toMatch(/hunter22|"x"|Bearer|"r"/);
    expect(lines[0]).toMatchObject({ password: '[redacted]', input: { password: '[redacted]', refreshToken: '[redacted]' } });
  });
});
