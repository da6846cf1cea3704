/**
 * The query of The Guild's graphql-gateways-benchmark, and the answer every gateway must
 * give, built straight from the subgraphs' data (not from any gateway) so that the
 * benchmark can check each response.
 */
import { BENCH_DATA } from './subgraphs';

export const BENCHMARK_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
      }
    }
  }
  topProducts {
    ...Product
    reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
  }
}`;

/** The `data` every gateway must answer BENCHMARK_QUERY with. */
export function expectedBenchmarkData(): unknown {
  const { users, products, reviews, inStock, shippingEstimate } = BENCH_DATA;
  const product = (upc: string) => {
    const { name, price, weight } = products.find((candidate) => candidate.upc === upc)!;
    return { inStock: inStock.has(upc), name, price, shippingEstimate: shippingEstimate({ price, weight }), upc, weight };
  };
  const user = (id: string) => {
    const { username, name } = users.find((candidate) => candidate.id === id)!;
    return { id, username, name };
  };
  const review = (candidate: (typeof reviews)[number]) => ({ id: candidate.id, body: candidate.body });
  // The reviews subgraph gives every user the first two reviews, and every review the first user as author.
  const userReviews = () => reviews.slice(0, 2);
  const author = () => ({ ...user('1'), reviews: userReviews().map((r) => ({ ...review(r), product: product(r.upc) })) });
  const productReviews = (upc: string) => reviews.filter((r) => r.upc === upc).map((r) => ({ ...review(r), author: author() }));
  return {
    users: users.map(({ id }) => ({
      ...user(id),
      reviews: userReviews().map((r) => ({ ...review(r), product: { ...product(r.upc), reviews: productReviews(r.upc) } })),
    })),
    topProducts: products.slice(0, 5).map(({ upc }) => ({ ...product(upc), reviews: productReviews(upc) })),
  };
}
