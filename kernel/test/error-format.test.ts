import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger, formatGraphQLError, notFound } from '#kernel';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('formatGraphQLError', () => {
  it('passes coded client errors through without a stack trace', () => {
    const error = notFound('Order', 'o1');
    const formatted = formatGraphQLError({ ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['at x'] } }, error, silent);
    expect(formatted).toEqual({ message: 'Order o1 was not found.', extensions: { code: 'NOT_FOUND', id: 'o1' } });
  });

  it('masks anything unexpected as INTERNAL_SERVER_ERROR', () => {
    const error = new GraphQLError('Raw query failed. Code: 1054 Unknown column secret_column', { path: ['order'] });
    const formatted = formatGraphQLError({ ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error, silent);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['order'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
