import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ROLES, type Identity } from './context';

/**
 * How subgraphs know a request came through the gateway, and whom it vouches for.
 *
 * The gateway sends every subgraph request with the header
 * `x-shop-gateway: v1.<timestamp>.<payload>.<mac>` where `timestamp` is Unix seconds,
 * `payload` is base64url JSON of {@link ForwardedCaller}, and `mac` is base64url
 * HMAC-SHA256, keyed by GATEWAY_SECRET, over `v1.<timestamp>.<payload>.<sha256(body)>`.
 * Binding the exact body bytes means a captured header is worthless for any other
 * operation, and the timestamp bounds replays of the same one to
 * {@link GATEWAY_SIGNATURE_TOLERANCE_SECONDS}.
 */
export const GATEWAY_SIGNATURE_HEADER = 'x-shop-gateway';

/** Largest distance between a signature's timestamp and the subgraph's clock, either way. */
export const GATEWAY_SIGNATURE_TOLERANCE_SECONDS = 60;

const VERSION = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What the gateway vouches for: who calls (null when anonymous) and from which address. */
export interface ForwardedCaller {
  identity: Identity | null;
  clientIp: string | null;
}

/** Why a subgraph refused a request's signature (for its log, never for the client). */
export type GatewaySignatureFailure = 'missing' | 'malformed' | 'bad-signature' | 'stale';

export type GatewaySignatureCheck = { ok: true; caller: ForwardedCaller } | { ok: false; reason: GatewaySignatureFailure };

const sha256 = (body: string | Uint8Array) => createHash('sha256').update(body).digest('base64url');
const mac = (signed: string, secret: string) => createHmac('sha256', secret).update(signed).digest();

/**
 * The unsealed part of the header, `v1.<timestamp>.<payload>`: who calls, stamped with
 * the time. {@link sealGatewayEnvelope} adds the MAC once the body bytes are known.
 */
export function openGatewayEnvelope(caller: ForwardedCaller, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ identity: caller.identity, clientIp: caller.clientIp })).toString('base64url');
  return `${VERSION}.${Math.floor(nowMs / 1000)}.${payload}`;
}

/** Completes an envelope into the header value, signing it together with `body`, the exact bytes sent. */
export function sealGatewayEnvelope(envelope: string, body: string | Uint8Array, secret: string): string {
  return `${envelope}.${mac(`${envelope}.${sha256(body)}`, secret).toString('base64url')}`;
}

/** The `x-shop-gateway` header value for a request with `body` made on behalf of `caller`. */
export function signGatewayRequest(caller: ForwardedCaller, body: string | Uint8Array, secret: string, nowMs = Date.now()): string {
  return sealGatewayEnvelope(openGatewayEnvelope(caller, nowMs), body, secret);
}

/**
 * Checks the `x-shop-gateway` header of a request whose raw body is `body`: the MAC (in
 * constant time), then the timestamp, then the payload's shape. Returns the caller the
 * gateway vouched for, or why the request must be refused.
 */
export function verifyGatewaySignature(
  header: string | undefined,
  body: Uint8Array,
  secret: string,
  nowMs = Date.now(),
): GatewaySignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [version, timestamp, payload, signature] = parts as [string, string, string, string];
  if (version !== VERSION || !/^\d{1,12}$/.test(timestamp) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }

  const expected = mac(`${version}.${timestamp}.${payload}.${sha256(body)}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > GATEWAY_SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };

  const caller = parseCaller(payload);
  return caller ? { ok: true, caller } : { ok: false, reason: 'malformed' };
}

function parseCaller(payload: string): ForwardedCaller | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { identity, clientIp } = value;
  if (clientIp !== null && typeof clientIp !== 'string') return undefined;
  if (identity === null) return { identity: null, clientIp };
  if (!isIdentity(identity)) return undefined;
  return { identity: { userId: identity.userId, roles: identity.roles, sessionId: identity.sessionId }, clientIp };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isIdentity(value: unknown): value is Identity {
  return (
    isRecord(value) &&
    typeof value.userId === 'string' &&
    value.userId !== '' &&
    typeof value.sessionId === 'string' &&
    Array.isArray(value.roles) &&
    value.roles.every((role) => (ROLES as readonly unknown[]).includes(role))
  );
}

/**
 * What a graphql-ws connection's signature is made over. A WebSocket has no request body
 * to bind, so the gateway signs this constant in the `connection_init` payload: the
 * signature vouches for the caller and the time only. Being distinct from any GraphQL
 * POST body (JSON), it cannot be replayed as an HTTP request, nor an HTTP request's as a
 * connection. A captured one can open a connection as that caller within the tolerance.
 */
const CONNECTION_BODY = Buffer.from('graphql-ws connection_init');

/** The `x-shop-gateway` value of a graphql-ws `connection_init` payload made on behalf of `caller`. */
export function signGatewayConnection(caller: ForwardedCaller, secret: string, nowMs = Date.now()): string {
  return signGatewayRequest(caller, CONNECTION_BODY, secret, nowMs);
}

/**
 * Checks the `x-shop-gateway` value of a graphql-ws `connection_init` payload (anything
 * but a string is `missing`), as {@link verifyGatewaySignature} checks a request's header.
 */
export function verifyGatewayConnection(value: unknown, secret: string, nowMs = Date.now()): GatewaySignatureCheck {
  return verifyGatewaySignature(typeof value === 'string' ? value : undefined, CONNECTION_BODY, secret, nowMs);
}
