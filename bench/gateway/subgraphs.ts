/**
 * The four subgraphs of The Guild's graphql-gateways-benchmark (accounts, inventory,
 * products, reviews): its schema and its data, served from one process so that every
 * gateway under test talks to the same upstreams.
 *
 * Each distinct request body is executed once by graphql-js against the subgraph schema
 * and its response bytes are then served from memory. The public benchmark uses Rust
 * subgraphs for the same reason: the subgraphs must cost next to nothing, or the run
 * measures them instead of the gateway. Unlike the Rust subgraphs, `shippingEstimate`
 * really uses the `price` and `weight` its `@requires` brings (the Rust one ignores them
 * and always answers null).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type ExecutionResult, type GraphQLSchema } from 'graphql';

/** One benchmark subgraph: its name, federation SDL and resolvers. */
interface BenchSubgraph {
  name: 'accounts' | 'inventory' | 'products' | 'reviews';
  typeDefs: string;
  resolvers: Record<string, Record<string, unknown>>;
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

const USERS = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

const PRODUCTS = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

const IN_STOCK = new Set(['1', '5', '6', '7', '9']);

const LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
const SED_UT = 'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi';
const SED_QUIA = 'sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.';
const UT_ENIM = 'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem';
const AT_VERO = 'At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat.';

const REVIEWS = [
  { id: '1', body: LOREM, upc: '1' },
  { id: '2', body: SED_UT, upc: '1' },
  { id: '3', body: SED_QUIA, upc: '1' },
  { id: '4', body: UT_ENIM, upc: '1' },
  { id: '5', body: LOREM, upc: '2' },
  { id: '6', body: SED_UT, upc: '2' },
  { id: '7', body: SED_QUIA, upc: '2' },
  { id: '8', body: UT_ENIM, upc: '2' },
  { id: '9', body: UT_ENIM, upc: '3' },
  { id: '10', body: UT_ENIM, upc: '4' },
  { id: '11', body: AT_VERO, upc: '4' },
];

/** `shippingEstimate` from the `price` and `weight` its `@requires` brings. */
const shippingEstimate = ({ price, weight }: { price?: number | null; weight?: number | null }) =>
  price == null ? null : price > 1000 ? 0 : weight == null ? null : Math.trunc(weight / 2);

/** The data behind the subgraphs, for the benchmark's expected answer. */
export const BENCH_DATA = { users: USERS, products: PRODUCTS, reviews: REVIEWS, inStock: IN_STOCK, shippingEstimate };

const reviewOf = (review: (typeof REVIEWS)[number]) => ({ id: review.id, body: review.body, product: { upc: review.upc } });
/** As in the public benchmark, a user's reviews are always the first two. */
const reviewsOfUser = () => REVIEWS.slice(0, 2).map(reviewOf);

export const BENCH_SUBGRAPHS: BenchSubgraph[] = [
  {
    name: 'accounts',
    typeDefs: `${LINK}
      type Query { me: User  user(id: ID!): User  users: [User] }
      type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`,
    resolvers: {
      Query: { me: () => USERS[0], user: (_: unknown, { id }: { id: string }) => USERS.find((user) => user.id === id), users: () => USERS },
      User: { __resolveReference: ({ id }: { id: string }) => USERS.find((user) => user.id === id) },
    },
  },
  {
    name: 'inventory',
    typeDefs: `${LINK}
      type Product @key(fields: "upc") {
        upc: String!  weight: Int @external  price: Int @external  inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => ({ ...reference, inStock: IN_STOCK.has(reference.upc) }),
        shippingEstimate,
      },
    },
  },
  {
    name: 'products',
    typeDefs: `${LINK}
      type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first) },
      Product: { __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc) },
    },
  },
  {
    name: 'reviews',
    typeDefs: `${LINK}
      type Review @key(fields: "id") { id: ID!  body: String  product: Product  author: User @provides(fields: "username") }
      type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
      type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`,
    resolvers: {
      Review: {
        __resolveReference: ({ id }: { id: string }) => REVIEWS.filter((review) => review.id === id).map(reviewOf)[0],
        // The public benchmark's author is always the first user.
        author: () => ({ id: '1', username: 'urigo' }),
      },
      User: { __resolveReference: ({ id }: { id: string }) => ({ id }), reviews: () => reviewsOfUser() },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
        reviews: ({ upc }: { upc: string }) => REVIEWS.filter((review) => review.upc === upc).map(reviewOf),
      },
    },
  },
];

/** Largest number of distinct request bodies remembered per subgraph. */
const MEMO_LIMIT = 10_000;

/** Answers POST /graphql for one schema: executes a body the first time, then replays its bytes. */
function subgraphServer(schema: GraphQLSchema): Server {
  const memo = new Map<string, Buffer>();
  const executeOnce = async (body: string): Promise<Buffer> => {
    let result: ExecutionResult | { errors: { message: string }[] };
    try {
      const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown>; operationName?: string };
      result = await execute({ schema, document: parse(request.query), variableValues: request.variables, operationName: request.operationName });
    } catch (error) {
      result = { errors: [{ message: (error as Error).message }] };
    }
    const answer = Buffer.from(JSON.stringify(result));
    if (!result.errors && memo.size < MEMO_LIMIT) memo.set(body, answer);
    return answer;
  };
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = memo.get(body) ?? (await executeOnce(body));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      res.end(answer);
    });
  });
}

/** Where the running subgraphs listen, by name. */
export type BenchSubgraphUrls = Record<BenchSubgraph['name'], string>;

/** Starts the four subgraphs on free ports of 127.0.0.1. */
export async function startBenchSubgraphs(): Promise<{ urls: BenchSubgraphUrls; stop: () => Promise<void> }> {
  const servers: Server[] = [];
  const urls = {} as BenchSubgraphUrls;
  for (const subgraph of BENCH_SUBGRAPHS) {
    const schema = buildSubgraphSchema({ typeDefs: parse(subgraph.typeDefs), resolvers: subgraph.resolvers as never });
    const server = subgraphServer(schema);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[subgraph.name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  const stop = () =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))))).then(() => undefined);
  return { urls, stop };
}

// Run as its own process (pinned to a core by the harness): prints the URLs as one JSON line.
if (require.main === module) {
  void startBenchSubgraphs().then(({ urls }) => process.stdout.write(`${JSON.stringify(urls)}\n`));
}
