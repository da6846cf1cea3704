import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** How one subscription operation runs: the subgraph stream, then the rest of each event. */
export interface SubscriptionPlan {
  /** The subscription sent to the subgraph that owns the root field. */
  primary: FetchNode;
  /** Fetches from other subgraphs that complete every event (fields they own); none when the owner has it all. */
  rest?: PlanNode;
  operationContext: OperationContext;
}

/** Plans remembered, by operation text and name. */
const PLAN_CACHE_SIZE = 500;

/**
 * Apollo's federation query planner over the supergraph, built once per gateway. It
 * plans subscriptions (`@apollo/gateway` cannot execute them): the root field goes to its
 * owner as a subscription, and the fields other subgraphs own become a plan run for each
 * event. {@link queryPlan} serves queries and mutations for the gateway's executor.
 */
export class SubscriptionPlanner {
  readonly apiSchema: Schema;
  /** The API schema as graphql-js sees it, for validating operations. */
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, SubscriptionPlan>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The plan of a validated operation document (not cached here). */
  queryPlan(document: DocumentNode, operationName: string | undefined): QueryPlan {
    return this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName }));
  }

  /** The plan of a validated subscription document. */
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const node = this.queryPlan(document, operationName).node;
    if (node?.kind !== 'Subscription') throw new Error('not a subscription operation');
    const plan: SubscriptionPlan = {
      primary: node.primary,
      rest: node.rest,
      operationContext: buildOperationContext({ schema: this.apiGraphQLSchema, operationDocument: document, operationName }),
    };
    if (this.cache.size >= PLAN_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, plan);
    return plan;
  }
}
