import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's IP address: the socket's peer, or, with `trustProxy` (TRUST_PROXY=true),
 * the first hop of `X-Forwarded-For`. Only trust it behind a proxy that sets that header
 * itself, replacing what the client sent; otherwise any client can name its own address.
 */
export function clientIpOf(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first && isIP(normalize(first))) return normalize(first);
  }
  const peer = req.socket.remoteAddress;
  return peer ? normalize(peer) : null;
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) → `10.0.0.1`. */
const normalize = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
