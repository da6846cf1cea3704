import type { IncomingMessage } from 'node:http';
import { BREAK, getOperationAST, parse, visit } from 'graphql';
import { clientIpOf } from '../client-ip';

/** Documents remembered as shareable or not. */
const KIND_CACHE_SIZE = 1000;

/** Request headers that can change the answer (identity, content negotiation, CSRF checks). */
const ANSWER_HEADERS = ['authorization', 'accept', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;

/**
 * Identical queries in flight at once are answered by one execution: the key is the same
 * only for the same body (document, operation name and variables), the same identity
 * (bearer token, client IP) and the same answer-relevant headers, and only for a query
 * (never a mutation or subscription) without `@defer`/`@stream`. Requests sharing an
 * execution are charged to the rate limit once, as the work is done once.
 */
export function sharedQueryKey(options: { trustProxy: boolean }): (req: IncomingMessage, body: Buffer) => string | undefined {
  const shareable = new Map<string, boolean>();
  const isShareable = (query: string, operationName: string | undefined) => {
    const cacheKey = `${operationName ?? ''}\n${query}`;
    let known = shareable.get(cacheKey);
    if (known === undefined) {
      known = isPlainQuery(query, operationName);
      if (shareable.size >= KIND_CACHE_SIZE) shareable.delete(shareable.keys().next().value!);
      shareable.set(cacheKey, known);
    }
    return known;
  };
  return (req, body) => {
    if (req.method !== 'POST' || body.length === 0) return undefined;
    const text = body.toString('utf8');
    let request: { query?: unknown; operationName?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      return undefined;
    }
    if (typeof request !== 'object' || request === null || typeof request.query !== 'string') return undefined;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    if (!isShareable(request.query, operationName)) return undefined;
    const headers = ANSWER_HEADERS.map((name) => req.headers[name] ?? '');
    return [clientIpOf(req, options.trustProxy), ...headers, text].join('\n');
  };
}

function isPlainQuery(query: string, operationName: string | undefined): boolean {
  try {
    const document = parse(query);
    if (getOperationAST(document, operationName)?.operation !== 'query') return false;
    let incremental = false;
    visit(document, {
      Directive(node) {
        if (node.name.value === 'defer' || node.name.value === 'stream') {
          incremental = true;
          return BREAK;
        }
        return undefined;
      },
    });
    return !incremental;
  } catch {
    return false;
  }
}
