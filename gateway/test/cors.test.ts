import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { corsHandler } from '../src/security/cors';

/** A request and a response that records what was written. */
function exchange(method: string, headers: Record<string, string>) {
  const written: { status?: number; headers: Record<string, unknown>; ended: boolean } = { headers: {}, ended: false };
  const res = {
    setHeader: (name: string, value: unknown) => (written.headers[name] = value),
    writeHead: (status: number, extra: Record<string, unknown>) => {
      written.status = status;
      Object.assign(written.headers, extra);
    },
    end: () => (written.ended = true),
  } as unknown as ServerResponse;
  return { req: { method, headers } as unknown as IncomingMessage, res, written };
}
const preflight = (origin: string) => ({ origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });

describe('corsHandler', () => {
  it('answers an allowed origin’s preflight 204 with the methods and headers', () => {
    const { req, res, written } = exchange('OPTIONS', preflight('https://shop.example'));
    expect(corsHandler(['https://shop.example'])(req, res)).toBe(true);
    expect(written.status).toBe(204);
    expect(written.headers).toMatchObject({
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': expect.stringContaining('authorization'),
      vary: 'origin',
    });
  });

  it('gives any other origin no access-control-allow-origin', () => {
    const { req, res, written } = exchange('OPTIONS', preflight('https://evil.example'));
    expect(corsHandler(['https://shop.example'])(req, res)).toBe(true);
    expect(written.status).toBe(204);
    expect(written.headers['access-control-allow-origin']).toBeUndefined();
    expect(written.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('sends no CORS header at all when no origin is configured', () => {
    const { req, res, written } = exchange('POST', { origin: 'https://shop.example' });
    expect(corsHandler([])(req, res)).toBe(false);
    expect(written.headers).toEqual({});
  });

  it('lets an allowed origin read the answer of an actual request, which goes on to GraphQL', () => {
    const { req, res, written } = exchange('POST', { origin: 'https://shop.example' });
    expect(corsHandler(['https://shop.example'])(req, res)).toBe(false);
    expect(written.headers).toMatchObject({ 'access-control-allow-origin': 'https://shop.example', 'access-control-expose-headers': expect.stringContaining('retry-after') });
    expect(written.ended).toBe(false);
  });
});
