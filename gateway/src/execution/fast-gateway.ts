import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface, GatewayLoadResult } from '@apollo/server-gateway-interface';
import { getVariableValues, GraphQLError, Kind, visit, BREAK, type DocumentNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { executePlanNode, isSupportedPlan } from './plan-executor';
import { operationShape, shapeResponse, type CompletionError, type SelectionShape } from './response-shape';
import type { SubscriptionPlanner } from '../subscriptions/subscription-planner';

/** Operations remembered with their plan and response shape. */
const PREPARED_CACHE_SIZE = 1000;

/** How one operation runs, worked out on its first request. */
type Prepared =
  | { fast: false }
  | { fast: true; plan: QueryPlan; operation: OperationDefinitionNode; shape: SelectionShape; rootType: GraphQLObjectType };

/** Directives whose effect depends on variables or on incremental delivery: left to Apollo's executor. */
const DIRECTIVES_LEFT_TO_APOLLO = new Set(['skip', 'include', 'defer', 'stream']);

/**
 * `@apollo/gateway` with a faster executor in front. Apollo's query planner plans each
 * operation once; the plan then runs here: entity representations deduplicated per
 * fetch, the response shaped by a shape compiled once per operation. Operations using
 * what this executor does not run (introspection, `@skip`/`@include`, `@defer`, plan
 * rewrites for interface objects and contexts) go to Apollo's own executor unchanged.
 */
export class FastGateway implements GatewayInterface {
  private readonly prepared = new Map<string, Prepared>();

  constructor(
    private readonly inner: ApolloGateway,
    /** The gateway's one query planner, shared with subscriptions. */
    private readonly planner: SubscriptionPlanner,
    private readonly serviceMap: Record<string, GraphQLDataSource>,
  ) {}

  onSchemaLoadOrUpdate(callback: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]) {
    return this.inner.onSchemaLoadOrUpdate(callback);
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const { executor: apolloExecutor } = await this.inner.load(options);
    const executor: GatewayExecutor = (requestContext) => this.execute(requestContext, apolloExecutor!);
    return { executor };
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  private async execute(requestContext: GatewayGraphQLRequestContext, apolloExecutor: GatewayExecutor) {
    const prepared = this.prepare(requestContext);
    if (!prepared.fast) return apolloExecutor(requestContext);
    const variables = requestContext.request.variables ?? {};
    // As Apollo's executor: variables are checked against the operation, then passed on as sent.
    if (prepared.operation.variableDefinitions?.length) {
      const { errors } = getVariableValues(requestContext.schema, prepared.operation.variableDefinitions, variables);
      if (errors) return { errors };
    }
    const run = {
      serviceMap: this.serviceMap,
      supergraphSchema: this.planner.supergraphSchema,
      variables,
      context: requestContext.context,
      incomingRequestContext: requestContext,
      data: {},
      errors: [] as GraphQLError[],
    };
    if (prepared.plan.node) await executePlanNode(run, prepared.plan.node, []);
    const completionErrors: CompletionError[] = [];
    const data = shapeResponse(requestContext.schema, prepared.shape, prepared.rootType, run.data, completionErrors);
    if (run.errors.length) return { errors: run.errors, data };
    if (completionErrors.length) return { data, extensions: { valueCompletion: completionErrors } };
    return { data };
  }

  private prepare(requestContext: GatewayGraphQLRequestContext): Prepared {
    const { document, request, queryHash, schema } = requestContext;
    const key = `${request.operationName ?? ''}\n${queryHash}`;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      prepared = this.compile(document, request.operationName ?? undefined, schema);
      if (this.prepared.size >= PREPARED_CACHE_SIZE) this.prepared.delete(this.prepared.keys().next().value!);
      this.prepared.set(key, prepared);
    }
    return prepared;
  }

  private compile(document: DocumentNode, operationName: string | undefined, schema: GraphQLSchema): Prepared {
    const operation = document.definitions.find(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || definition.name?.value === operationName),
    );
    if (!operation || operation.operation === 'subscription' || usesDirectivesLeftToApollo(document) || selectsIntrospection(operation)) return { fast: false };
    const plan = this.planner.queryPlan(document, operationName);
    const rootType = schema.getRootType(operation.operation);
    if (!rootType || !isSupportedPlan(plan.node)) return { fast: false };
    const fragments = Object.fromEntries(
      document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
    );
    return { fast: true, plan, operation, shape: operationShape(schema, operation.selectionSet, fragments), rootType };
  }
}

function usesDirectivesLeftToApollo(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (DIRECTIVES_LEFT_TO_APOLLO.has(node.name.value)) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** `__schema` or `__type` at the root (`__typename` is answered here). */
function selectsIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && (selection.name.value === '__schema' || selection.name.value === '__type'));
}
