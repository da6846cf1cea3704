/**
 * The cheapest extra hop, for the storefront benchmark: an HTTP server that forwards each
 * POST body, with its `content-type` and gateway signature, to TARGET_URL over an undici
 * keep-alive pool (as the gateway calls subgraphs) and sends the answer back unread. It runs
 * in its own process like the gateway, so the benchmark can tell what any hop costs on the
 * machine from what the gateway itself adds.
 *
 *   TARGET_URL=http://127.0.0.1:4003/graphql node dist/bench/pass-through-proxy.js
 *
 * Listens on a free port of 127.0.0.1 and prints its URL as one line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { GATEWAY_SIGNATURE_HEADER, readBody } from '#kernel';

const target = new URL(process.env.TARGET_URL ?? '');
const pool = new Pool(target.origin, { connections: 16 });

const server = createServer((req, res) => {
  void (async () => {
    try {
      const body = await readBody(req, 1024 * 1024);
      const signature = req.headers[GATEWAY_SIGNATURE_HEADER];
      const answer = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', ...(typeof signature === 'string' && { [GATEWAY_SIGNATURE_HEADER]: signature }) },
        body,
      });
      const text = await answer.body.text();
      res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
      res.end(text);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end((error as Error).message);
    }
  })();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}\n`));
