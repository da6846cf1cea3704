/** The shared kernel: everything the gateway and all five subgraphs have in common. */
// type-graphql's decorators need the metadata polyfill before any class is declared.
import 'reflect-metadata';
export * from './authorization';
export * from './concurrency-limit';
export * from './config';
export * from './connections';
export * from './context';
export * from './database';
export * from './error-format';
export * from './errors';
export * from './events';
export * from './federation';
export * from './gateway-signature';
export * from './http-server';
export * from './lifecycle';
export * from './logger';
export * from './money';
export * from './page-info';
export * from './periodic-worker';
export * from './rate-limit';
export * from './role-enum';
export * from './rpc';
export * from './subgraph-server';
export * from './subscription-server';
export * from './token-revocation';
export * from './trace';
