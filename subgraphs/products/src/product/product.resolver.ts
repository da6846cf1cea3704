import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.type';
import type { CategoryService } from '../category/category.service';
import type { ProductsContext } from '../context';
import { ProductConnection, ProductFilter, ProductSort } from './product-connection.type';
import type { ProductListingService } from './product-listing.service';
import { CreateProductInput, UpdateProductInput } from './product.input';
import type { ProductService } from './product.service';
import { Product } from './product.type';

@Resolver(() => Product)
export class ProductResolver {
  constructor(
    private readonly productService: ProductService,
    private readonly listing: ProductListingService,
    private readonly categoryService: CategoryService,
  ) {}

  @Query(() => Product, { nullable: true, description: 'A product by id; null when it does not exist or is not visible to you.' })
  product(@Arg('id', () => ID, { description: 'Id of the product.' }) id: string, @Ctx() context: ProductsContext): Promise<Product | null> {
    return this.productService.findVisible(context, id);
  }

  @Query(() => Product, { nullable: true, description: 'A product by slug; null when it does not exist or is not visible to you.' })
  productBySlug(@Arg('slug', () => String, { description: 'Slug of the product, e.g. "blue-mug".' }) slug: string, @Ctx() context: ProductsContext): Promise<Product | null> {
    return this.productService.findVisibleBySlug(context, slug);
  }

  @Query(() => ProductConnection, { description: 'A page of the catalog, optionally searched and filtered. Customers see ACTIVE products only.' })
  products(
    @Arg('search', () => String, { nullable: true, description: 'Words to find in product names and descriptions (full-text, natural language).' })
    search: string | null,
    @Arg('filter', () => ProductFilter, { defaultValue: {}, description: 'Conditions every product must meet.' }) filter: ProductFilter,
    @Arg('sort', () => ProductSort, { nullable: true, description: 'Order of the listing; RELEVANCE with a search, NEWEST without, unless given.' })
    sort: ProductSort | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page; absent for the first page.' }) after: string | null,
    @Ctx() context: ProductsContext,
  ): Promise<ProductConnection> {
    return this.listing.list(context, { search, filter, sort, first, after });
  }

  @FieldResolver(() => Category, { nullable: true, description: 'The category the product belongs to, if any.' })
  async category(@Root() product: Product, @Ctx() context: ProductsContext): Promise<Category | null> {
    return product.categoryId ? ((await this.categoryService.tree(context)).get(product.categoryId) ?? null) : null;
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Product, { description: 'Adds a product (STAFF or ADMIN). A taken slug is a CONFLICT.' })
  createProduct(@Arg('input', () => CreateProductInput, { description: 'The new product.' }) input: CreateProductInput, @Ctx() context: ProductsContext) {
    return this.productService.create(context, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Product, { description: 'Changes a product (STAFF or ADMIN).' })
  updateProduct(
    @Arg('id', () => ID, { description: 'The product to change.' }) id: string,
    @Arg('input', () => UpdateProductInput, { description: 'The changes.' }) input: UpdateProductInput,
    @Ctx() context: ProductsContext,
  ) {
    return this.productService.update(context, id, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Product, { description: 'Archives a product (STAFF or ADMIN): customers no longer see it; orders keep showing it.' })
  deleteProduct(@Arg('id', () => ID, { description: 'The product to archive.' }) id: string, @Ctx() context: ProductsContext) {
    return this.productService.archive(context, id);
  }
}
