import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callRpc, createLogger, rpcSubject, startRpcServer, type RpcServer } from '#kernel';

// Real NATS; a unique prefix keeps this file's subjects apart from every other run.
const prefix = `rpc_${randomBytes(4).toString('hex')}`;
const subject = (action: string) => rpcSubject(prefix, 'products', action);
let nats: NatsConnection;
let server: RpcServer;
const handled: string[] = [];

beforeAll(async () => {
  nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  server = startRpcServer({ nats, log: createLogger({ service: 'test', level: 'silent' }), queue: 'test', concurrency: 1 });
  server.serve(subject('echo'), z.object({ word: z.string().min(1) }), async ({ word }) => ({ ok: true, word }));
  server.serve(subject('slow'), z.object({ id: z.string() }), async ({ id }) => {
    handled.push(id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { ok: true };
  });
  server.serve(subject('broken'), z.object({}), async () => {
    throw new Error('secret internal detail');
  });
  await nats.flush();
});
afterAll(async () => {
  await server.worker.stop();
  await nats.drain();
});

describe('kernel rpc', () => {
  it('answers a valid request with the handler’s reply', async () => {
    expect(await callRpc(nats, subject('echo'), { word: 'hi' }, { service: 'test' })).toEqual({ ok: true, word: 'hi' });
  });

  it('answers a request the schema refuses with BAD_REQUEST naming the field', async () => {
    const reply = await callRpc<any>(nats, subject('echo'), { word: '' }, { service: 'test' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('word') } });
  });

  it('answers a failing handler with INTERNAL, without its message', async () => {
    const reply = await callRpc<any>(nats, subject('broken'), {}, { service: 'test' });
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'The request could not be processed; try again.' } });
  });

  it('throws SERVICE_UNAVAILABLE naming the service when nobody answers', async () => {
    await expect(callRpc(nats, subject('nobody-serves-this'), {}, { service: 'products', timeoutMs: 300 })).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE', service: 'products' },
    });
  });

  it('drops a request whose caller stopped waiting while it queued', async () => {
    // One slot: the first request holds it for 400 ms; the second's caller gives up after 150 ms.
    const first = callRpc(nats, subject('slow'), { id: 'first' }, { service: 'test', timeoutMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(callRpc(nats, subject('slow'), { id: 'abandoned' }, { service: 'test', timeoutMs: 150 })).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(await first).toEqual({ ok: true });
    await callRpc(nats, subject('slow'), { id: 'later' }, { service: 'test', timeoutMs: 2_000 });
    expect(handled).toEqual(['first', 'later']);
  });
});
