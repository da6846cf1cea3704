import { badUserInput, conflict, notFound } from '#kernel';
import type { ProductsContext } from '../context';
import type { PrismaClient, Category as CategoryRow } from '../generated/prisma/client';
import { validName, validSlug } from '../product/product-validation';
import type { CategoryCache } from './category-cache';
import { CategoryTree } from './category-tree';
import { Category, type CreateCategoryInput, type UpdateCategoryInput } from './category.type';

/**
 * The category tree: reads it whole (from Redis when cached), and lets staff grow, rename
 * and move it without cycles. Every write drops the cached tree after it committed.
 */
export class CategoryService {
  constructor(
    private readonly db: PrismaClient,
    private readonly cache: CategoryCache,
  ) {}

  /** The whole tree from the cache, or in one query then cached; the request's loader memoizes it. */
  async loadTree(): Promise<CategoryTree<Category>> {
    const cached = await this.cache.get();
    if (cached) return new CategoryTree(cached);
    const categories = (await this.db.category.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] })).map(toCategory);
    await this.cache.set(categories);
    return new CategoryTree(categories);
  }

  tree(context: ProductsContext): Promise<CategoryTree<Category>> {
    return context.loaders.categoryTree();
  }

  async get(context: ProductsContext, id: string): Promise<Category> {
    const category = (await this.tree(context)).get(id);
    if (!category) throw notFound('Category', id);
    return category;
  }

  /** `id` and all its descendants, for listing a category's products; BAD_USER_INPUT when unknown. */
  async subtreeIds(context: ProductsContext, id: string, field: string): Promise<string[]> {
    const tree = await this.tree(context);
    if (!tree.get(id)) throw badUserInput(`Category ${id} does not exist.`, field);
    return tree.subtreeIds(id);
  }

  async create(context: ProductsContext, input: CreateCategoryInput): Promise<Category> {
    const data = { name: validName(input.name, 'input.name'), slug: validSlug(input.slug, 'input.slug'), parentId: input.parentId ?? null };
    if (data.parentId && !(await this.db.category.findUnique({ where: { id: data.parentId } }))) {
      throw badUserInput(`Category ${data.parentId} does not exist.`, 'input.parentId');
    }
    const row = await this.db.category.create({ data }).catch(slugConflict(data.slug));
    await this.cache.invalidate();
    context.log.info({ categoryId: row.id }, 'category created');
    return toCategory(row);
  }

  async update(context: ProductsContext, id: string, input: UpdateCategoryInput): Promise<Category> {
    const data = {
      ...(input.name != null && { name: validName(input.name, 'input.name') }),
      ...(input.slug != null && { slug: validSlug(input.slug, 'input.slug') }),
    };
    if (!(await this.db.category.findUnique({ where: { id } }))) throw notFound('Category', id);
    const row = await this.db.category.update({ where: { id }, data }).catch(slugConflict(data.slug ?? ''));
    await this.cache.invalidate();
    return toCategory(row);
  }

  /**
   * Gives a category a new parent (null: a root). Moves are serialized by locking every
   * category row, so two concurrent moves cannot each pass the cycle check and together
   * make a loop.
   */
  async move(context: ProductsContext, id: string, parentId: string | null): Promise<Category> {
    const row = await this.db.$transaction(async (tx) => {
      const nodes = await tx.$queryRaw<{ id: string; parent_id: string | null }[]>`SELECT id, parent_id FROM categories FOR UPDATE`;
      const tree = new CategoryTree(nodes.map((node) => ({ id: node.id, parentId: node.parent_id })));
      if (!tree.get(id)) throw notFound('Category', id);
      if (parentId && !tree.get(parentId)) throw badUserInput(`Category ${parentId} does not exist.`, 'parentId');
      if (tree.wouldCycle(id, parentId)) throw conflict('A category cannot be moved under itself or one of its descendants.');
      return tx.category.update({ where: { id }, data: { parentId } });
    });
    await this.cache.invalidate();
    context.log.info({ categoryId: id, parentId }, 'category moved');
    return toCategory(row);
  }
}

const slugConflict = (slug: string) => (error: unknown) => {
  if ((error as { code?: string }).code === 'P2002') throw conflict(`A category with slug "${slug}" already exists.`);
  throw error;
};

function toCategory(row: CategoryRow): Category {
  return Object.assign(new Category(), { id: row.id, slug: row.slug, name: row.name, parentId: row.parentId });
}
