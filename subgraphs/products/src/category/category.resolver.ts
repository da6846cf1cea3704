import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ProductsContext } from '../context';
import type { CategoryService } from './category.service';
import { Category, CreateCategoryInput, UpdateCategoryInput } from './category.type';

@Resolver(() => Category)
export class CategoryResolver {
  constructor(private readonly categoryService: CategoryService) {}

  @Query(() => [Category], { description: 'The root categories; follow `children` for the rest of the tree.' })
  async categories(@Ctx() context: ProductsContext): Promise<Category[]> {
    return (await this.categoryService.tree(context)).roots();
  }

  @Query(() => Category, { nullable: true, description: 'A category by id; null when it does not exist.' })
  async category(@Arg('id', () => ID, { description: 'Id of the category.' }) id: string, @Ctx() context: ProductsContext): Promise<Category | null> {
    return (await this.categoryService.tree(context)).get(id) ?? null;
  }

  @FieldResolver(() => Category, { nullable: true, description: 'The category this one sits in; null for a root.' })
  async parent(@Root() category: Category, @Ctx() context: ProductsContext): Promise<Category | null> {
    return category.parentId ? ((await this.categoryService.tree(context)).get(category.parentId) ?? null) : null;
  }

  @FieldResolver(() => [Category], { description: 'The categories directly inside this one, by name.' })
  async children(@Root() category: Category, @Ctx() context: ProductsContext): Promise<Category[]> {
    return (await this.categoryService.tree(context)).children(category.id);
  }

  @FieldResolver(() => [Category], { description: 'Breadcrumbs: from the root down to this category, itself included.' })
  async path(@Root() category: Category, @Ctx() context: ProductsContext): Promise<Category[]> {
    return (await this.categoryService.tree(context)).path(category.id);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Category, { description: 'Adds a category (STAFF or ADMIN). A taken slug is a CONFLICT.' })
  createCategory(@Arg('input', () => CreateCategoryInput, { description: 'The new category.' }) input: CreateCategoryInput, @Ctx() context: ProductsContext) {
    return this.categoryService.create(context, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Category, { description: 'Renames a category or changes its slug (STAFF or ADMIN).' })
  updateCategory(
    @Arg('id', () => ID, { description: 'The category to change.' }) id: string,
    @Arg('input', () => UpdateCategoryInput, { description: 'The changes.' }) input: UpdateCategoryInput,
    @Ctx() context: ProductsContext,
  ) {
    return this.categoryService.update(context, id, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Category, {
    description: 'Moves a category, with everything below it, under another parent (STAFF or ADMIN). Moving it under itself or a descendant is a CONFLICT.',
  })
  moveCategory(
    @Arg('id', () => ID, { description: 'The category to move.' }) id: string,
    @Arg('parentId', () => ID, { nullable: true, description: 'The new parent; null makes it a root.' }) parentId: string | null,
    @Ctx() context: ProductsContext,
  ) {
    return this.categoryService.move(context, id, parentId ?? null);
  }
}
