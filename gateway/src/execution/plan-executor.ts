import type { GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import { GraphQLError, isAbstractType, type GraphQLSchema } from 'graphql';

type Entity = Record<string, unknown>;
type ResponsePath = (string | number)[];

/** What one plan run needs; `incomingRequestContext` is handed to data sources as Apollo's executor does. */
export interface PlanRun {
  serviceMap: Record<string, GraphQLDataSource>;
  /** The supergraph schema, for the type conditions of `@requires` and `@key` selections. */
  supergraphSchema: GraphQLSchema;
  variables: Record<string, unknown>;
  context: unknown;
  incomingRequestContext: unknown;
  /** The merged data, filled in as fetches complete. */
  data: Entity;
  errors: GraphQLError[];
}

/** Plan nodes this executor runs; anything else goes to `@apollo/gateway`'s own executor. */
export function isSupportedPlan(node: PlanNode | SubscriptionNode | undefined): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.every(isSupportedPlan);
    case 'Flatten':
      return node.path.every((element) => typeof element === 'string' && !element.includes('|')) && isSupportedPlan(node.node);
    case 'Fetch':
      return !node.inputRewrites?.length && !node.outputRewrites?.length && !node.contextRewrites?.length && !node.hasDefers;
    default:
      return false;
  }
}

/**
 * Runs a query plan of `@apollo/query-planner`: fetches in sequence and in parallel as
 * planned, each entity fetch with its representations deduplicated (one `_entities` entry
 * per distinct representation, its answer merged into every entity that needs it), and
 * subgraph errors moved to the path where the client sees them.
 */
export async function executePlanNode(run: PlanRun, node: PlanNode | SubscriptionNode, path: ResponsePath): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(run, child, path);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(run, child, path)));
      return;
    case 'Flatten':
      return executePlanNode(run, node.node, [...path, ...(node.path as string[])]);
    case 'Fetch':
      try {
        await executeFetch(run, node, path);
      } catch (error) {
        run.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error }));
      }
      return;
    default:
      throw new Error(`plan node ${node.kind} is not supported here`);
  }
}

async function executeFetch(run: PlanRun, fetch: FetchNode, path: ResponsePath): Promise<void> {
  const variables: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) {
    if (run.variables[name] !== undefined) variables[name] = run.variables[name];
  }
  const entities = entitiesAt(run.data, path);
  if (!fetch.requires) {
    if (entities.length === 0) return;
    const data = await send(run, fetch, variables, path, () => []);
    if (data) for (const entity of entities) deepMerge(entity, data);
    return;
  }

  // One representation per distinct entity; `targets[i]` are the entities the i-th answer completes.
  const representations: Entity[] = [];
  const targets: Entity[][] = [];
  const indexByKey = new Map<string, number>();
  for (const entity of entities) {
    const representation = select(run.supergraphSchema, entity, fetch.requires);
    if (!representation || !representation.__typename) continue;
    const key = JSON.stringify(representation);
    const index = indexByKey.get(key);
    if (index === undefined) {
      indexByKey.set(key, representations.length);
      representations.push(representation);
      targets.push([entity]);
    } else {
      targets[index]!.push(entity);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  const data = await send(run, fetch, { ...variables, representations }, path, () => targets.map((group) => pathOf(run.data, path, group[0]!)));
  if (!data) return;
  const received = data._entities;
  if (!Array.isArray(received) || received.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  // One answer merges into every entity that shares its representation, by reference. They
  // all sit under this fetch's plan path, so later fetches select the same fields below them.
  for (let index = 0; index < received.length; index++) {
    const answer = received[index] as Entity | null;
    for (const entity of targets[index]!) {
      if (answer && !answer.__typename) answer.__typename = entity.__typename;
      deepMerge(entity, answer);
    }
  }
}

/** Sends one fetch; records its errors at the client's paths; returns its data. */
async function send(
  run: PlanRun,
  fetch: FetchNode,
  variables: Record<string, unknown>,
  path: ResponsePath,
  entityPaths: () => ResponsePath[],
): Promise<Entity | undefined> {
  const service = run.serviceMap[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const response = await service.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by the package's entry).
    kind: 'incoming operation' as never,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: run.incomingRequestContext as never,
    context: run.context as never,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: path as never,
  });
  if (response.errors?.length) {
    let paths: ResponsePath[] | undefined;
    for (const error of response.errors) {
      const errorPath = error.path as ResponsePath | undefined;
      let clientPath: ResponsePath | undefined;
      if (fetch.requires && typeof errorPath?.[1] === 'number') {
        paths ??= entityPaths();
        clientPath = [...(paths[errorPath[1]] ?? []), ...errorPath.slice(2)];
      } else if (errorPath) {
        clientPath = [...path, ...errorPath];
      }
      run.errors.push(downstreamError(error, fetch.serviceName, clientPath));
    }
  }
  return (response.data ?? undefined) as Entity | undefined;
}

/** A subgraph's error as the client gets it: its code kept (DOWNSTREAM_SERVICE_ERROR when it has none), the service named. */
function downstreamError(error: { message: string; extensions?: Record<string, unknown> }, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const code = error.extensions?.code ?? 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, {
    path,
    extensions: { ...error.extensions, code, serviceName },
  });
}

/** The objects at a plan path (`@` walks into lists), nulls skipped. */
function entitiesAt(data: Entity, path: ResponsePath): Entity[] {
  let current: unknown[] = [data];
  for (const element of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      if (element === '@') {
        if (Array.isArray(value)) for (const item of value) next.push(item);
      } else if (Array.isArray(value)) {
        for (const item of value) if (item !== null && item !== undefined) next.push((item as Entity)[element]);
      } else {
        next.push((value as Entity)[element as string]);
      }
    }
    current = next;
  }
  return current.filter((value): value is Entity => value !== null && value !== undefined && typeof value === 'object');
}

/** Where `target` sits in the response (only computed for error paths). */
function pathOf(data: Entity, path: ResponsePath, target: Entity): ResponsePath {
  const walk = (value: unknown, rest: ResponsePath, at: ResponsePath): ResponsePath | undefined => {
    if (value === null || value === undefined) return undefined;
    if (rest.length === 0) return value === target ? at : undefined;
    const [head, ...tail] = rest;
    if (Array.isArray(value)) {
      const inner = head === '@' ? tail : rest;
      for (let index = 0; index < value.length; index++) {
        const found = walk(value[index], inner, [...at, index]);
        if (found) return found;
      }
      return undefined;
    }
    return walk((value as Entity)[head as string], tail, [...at, head as string]);
  };
  return walk(data, path, []) ?? [];
}

/** A representation: the `@key`/`@requires` selection of an entity; null when a required field is missing. */
function select(schema: GraphQLSchema, source: Entity, selections: readonly QueryPlanSelectionNode[]): Entity | null {
  const result: Entity = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      const value = source[name];
      if (value === undefined) return null;
      if (selection.selections && value !== null) {
        const nested = Array.isArray(value)
          ? value.map((item) => (item === null ? null : select(schema, item as Entity, selection.selections!)))
          : select(schema, value as Entity, selection.selections);
        result[name] = nested;
      } else {
        result[name] = value;
      }
    } else if (selection.typeCondition && isOfType(schema, source, selection.typeCondition)) {
      const nested = select(schema, source, selection.selections);
      if (nested) deepMerge(result, nested);
    }
  }
  return result;
}

function isOfType(schema: GraphQLSchema, source: Entity, typeCondition: string): boolean {
  const typename = source.__typename;
  if (typename === typeCondition) return true;
  const condition = schema.getType(typeCondition);
  const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
  return !!condition && !!type && isAbstractType(condition) && schema.isSubType(condition, type as never);
}

/** Merges a subgraph's answer into the data: objects field by field, lists of equal length element by element. */
export function deepMerge(target: Entity, source: Entity | null | undefined): void {
  if (!source) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && typeof value === 'object' && value !== null && !Array.isArray(value) && typeof existing === 'object' && !Array.isArray(existing)) {
      deepMerge(existing as Entity, value as Entity);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        if (isPlainObject(existing[index]) && isPlainObject(item)) deepMerge(existing[index] as Entity, item as Entity);
        else existing[index] = item;
      }
    } else {
      target[key] = value;
    }
  }
}

const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
