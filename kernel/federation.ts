import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import DataLoader from 'dataloader';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type AuthChecker, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import { roleAuthChecker } from './authorization';

/** Federation 2 directives our subgraphs may use. */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])`;

/** `__resolveReference` per entity type name, merged into the type-graphql resolvers. */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any) => unknown }>;

/** Options of {@link buildFederatedSchema}. */
export interface FederatedSchemaOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  /** Resolver instances, already holding their services (see {@link resolverContainer}). */
  container: ContainerType;
  referenceResolvers?: ReferenceResolvers;
  /** Defaults to {@link roleAuthChecker}. */
  authChecker?: AuthChecker<any>;
  /**
   * Types no root field reaches (an entity a subgraph only contributes fields to);
   * type-graphql leaves them out of the schema otherwise.
   */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  /** Where `@Subscription` fields get their events; required by type-graphql when the schema has any. */
  pubSub?: PubSub;
}

/**
 * type-graphql classes → federation SDL → `buildSubgraphSchema`. type-graphql cannot emit
 * a subgraph by itself, so its schema is printed with directives (`@key`, `@shareable`)
 * and rebuilt by `@apollo/subgraph`, keeping type-graphql's resolvers (guards included).
 */
export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    container: options.container,
    orphanedTypes: options.orphanedTypes,
    pubSub: options.pubSub,
    authChecker: options.authChecker ?? roleAuthChecker,
    skipCheck: true, // a subgraph may have no Query of its own
  });
  const resolvers = createResolversMap(schema) as Record<string, any>;
  for (const [typeName, reference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  return buildSubgraphSchema({ typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`), resolvers });
}

/** A type-graphql container over ready-made resolver instances (constructor injection by hand). */
export function resolverContainer(instances: object[]): ContainerType {
  const byClass = new Map<unknown, object>(instances.map((instance) => [instance.constructor, instance]));
  return {
    get(someClass: unknown) {
      const instance = byClass.get(someClass);
      if (!instance) throw new Error(`no instance registered for resolver ${(someClass as { name?: string }).name}`);
      return instance;
    },
  };
}

/**
 * A DataLoader that fetches many rows by id in one query and hands each caller its row
 * (or null), in the order asked. Used for every entity reference so `_entities` for N
 * keys costs one query, not N.
 */
export function byIdLoader<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return byKeyLoader(fetch, (row) => row.id);
}

/** {@link byIdLoader} for rows found by another unique key (e.g. a payment by its order id). */
export function byKeyLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return new DataLoader(
    async (keys) => {
      const rows = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
      return keys.map((key) => rows.get(key) ?? null);
    },
    { maxBatchSize: 500 },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` has the shape of an entity id (every domain's ids are UUIDs), before it reaches a query. */
export const isEntityId = (value: string): boolean => UUID.test(value);
