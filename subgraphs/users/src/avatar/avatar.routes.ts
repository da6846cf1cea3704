import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import {
  BodyTooLargeError,
  GATEWAY_SIGNATURE_HEADER,
  NOT_THROUGH_GATEWAY,
  notFound,
  readBody,
  sendJson,
  verifyGatewaySignature,
  type Logger,
  type RouteHandler,
} from '#kernel';
import type { AvatarStorage } from './avatar-storage';
import { UnsupportedImageError, type AvatarService } from './avatar.service';

/** Room for the multipart boundaries and part headers around the image. */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/** Options of {@link avatarRoutes}. */
export interface AvatarRoutesOptions {
  avatars: AvatarService;
  storage: AvatarStorage;
  /** GATEWAY_SECRET: uploads are accepted only with the gateway's signature over the exact body. */
  gatewaySecret: string;
  /** Largest image accepted, in bytes (AVATAR_MAX_BYTES). */
  maxBytes: number;
  log: Logger;
}

/**
 * `POST /users/me/avatar` (multipart/form-data, one file part) and `GET /avatars/<key>`.
 * The gateway exposes both on its own origin. The upload is accepted only with the
 * gateway's `x-shop-gateway` signature, made over the whole request body exactly as for
 * GraphQL requests, so the identity it carries cannot be attached to other bytes. Errors
 * are JSON `{ error: { code, message } }`: 401, 400, 413 (too large), 415 (not PNG/JPEG/WebP).
 */
export function avatarRoutes(options: AvatarRoutesOptions): Record<string, RouteHandler> {
  const { avatars, storage, gatewaySecret, maxBytes, log } = options;
  return {
    'POST /users/me/avatar': async (req, res, trace) => {
      const signature = req.headers[GATEWAY_SIGNATURE_HEADER] as string | undefined;
      if (!signature) {
        await drain(req);
        return sendJson(res, 401, NOT_THROUGH_GATEWAY);
      }
      let body: Buffer;
      try {
        body = await readBody(req, maxBytes + MULTIPART_OVERHEAD_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          await drain(req);
          return tooLarge(res, maxBytes);
        }
        throw error;
      }
      const check = verifyGatewaySignature(signature, body, gatewaySecret);
      if (!check.ok) {
        log.warn({ traceId: trace.traceId, reason: check.reason }, 'refused an avatar upload that did not come through the gateway');
        return sendJson(res, 401, NOT_THROUGH_GATEWAY);
      }
      const identity = check.caller.identity;
      if (!identity) return sendError(res, 401, 'UNAUTHENTICATED', 'You must be signed in to do this.');
      const file = await firstFile(req, body, maxBytes);
      if (file === 'too-large') return tooLarge(res, maxBytes);
      if (typeof file === 'string') return sendError(res, 400, 'BAD_REQUEST', file);
      try {
        const avatarUrl = await avatars.replace(identity.userId, file, log.child({ traceId: trace.traceId }));
        sendJson(res, 200, { avatarUrl });
      } catch (error) {
        if (error instanceof UnsupportedImageError) return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', error.message);
        if ((error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') {
          return sendError(res, 404, 'NOT_FOUND', (error as ReturnType<typeof notFound>).message);
        }
        throw error;
      }
    },
    'GET /avatars/*': async (req, res) => {
      const key = (req.url ?? '').split('?')[0]!.slice('/avatars/'.length);
      const avatar = await storage.get(key);
      if (!avatar) return sendError(res, 404, 'NOT_FOUND', 'No such avatar.');
      res.writeHead(200, {
        'content-type': avatar.contentType,
        'content-length': avatar.bytes.length,
        // Keys are never reused: a new avatar gets a new key.
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      });
      res.end(avatar.bytes);
    },
  };
}

/** The bytes of the first file part, or why there is none. */
function firstFile(req: IncomingMessage, body: Buffer, maxBytes: number): Promise<Buffer | 'too-large' | string> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 10, parts: 11 } });
    } catch {
      return resolve('The body must be multipart/form-data with one image file.');
    }
    let result: Buffer | 'too-large' | undefined;
    parser.on('file', (_name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (result = 'too-large'));
      stream.on('end', () => {
        if (result === undefined) result = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => resolve('The multipart body is malformed.'));
    parser.on('close', () => resolve(result ?? 'The body must contain one image file.'));
    Readable.from([body]).pipe(parser);
  });
}

/** Reads and drops the rest of a refused request (for at most 5 s), so the client sees the answer rather than a reset. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  req.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once('end', done);
    req.once('close', done);
  });
}

const tooLarge = (res: ServerResponse, maxBytes: number) =>
  sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The avatar must be at most ${maxBytes} bytes.`);

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
