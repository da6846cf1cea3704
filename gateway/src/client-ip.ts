import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's IP address: the socket's peer, or, with `trustProxy` (TRUST_PROXY=true,
 * one trusted proxy in front), the LAST hop of `X-Forwarded-For`: the address that proxy
 * saw, whether it replaces the header or appends to it. Earlier hops are whatever the
 * client wrote, so trusting them would let anyone pick a fresh address (and rate-limit
 * bucket) per request.
 */
export function clientIpOf(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.at(-1) : header)?.split(',').at(-1)?.trim();
    if (last && isIP(normalize(last))) return normalize(last);
  }
  const peer = req.socket.remoteAddress;
  return peer ? normalize(peer) : null;
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) → `10.0.0.1`. */
const normalize = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
