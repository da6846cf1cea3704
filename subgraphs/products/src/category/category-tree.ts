/** A category as the tree needs it: its id and its parent's. */
export interface TreeNode {
  id: string;
  parentId: string | null;
}

/**
 * The category tree in memory: parents, children, paths and descendants. Pure, so the
 * rules (no cycles, descendants included) are unit-tested without a database. The tree
 * of a shop is small (hundreds of nodes), so reading it whole is cheaper than recursive SQL.
 */
export class CategoryTree<T extends TreeNode> {
  private readonly byId: Map<string, T>;
  private readonly childrenOf = new Map<string | null, T[]>();

  constructor(nodes: readonly T[]) {
    this.byId = new Map(nodes.map((node) => [node.id, node]));
    for (const node of nodes) {
      const siblings = this.childrenOf.get(node.parentId) ?? [];
      siblings.push(node);
      this.childrenOf.set(node.parentId, siblings);
    }
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  roots(): T[] {
    return this.childrenOf.get(null) ?? [];
  }

  children(id: string): T[] {
    return this.childrenOf.get(id) ?? [];
  }

  /** From the root down to `id` itself (the breadcrumbs); empty when `id` is unknown. */
  path(id: string): T[] {
    const path: T[] = [];
    const seen = new Set<string>();
    for (let node = this.byId.get(id); node && !seen.has(node.id); node = node.parentId ? this.byId.get(node.parentId) : undefined) {
      seen.add(node.id);
      path.unshift(node);
    }
    return path;
  }

  /** `id` and every category below it. */
  subtreeIds(id: string): string[] {
    const ids: string[] = [];
    const pending = [id];
    while (pending.length) {
      const next = pending.pop()!;
      if (ids.includes(next)) continue;
      ids.push(next);
      pending.push(...this.children(next).map((child) => child.id));
    }
    return ids;
  }

  /** True when giving `id` the parent `parentId` would make a category its own ancestor. */
  wouldCycle(id: string, parentId: string | null): boolean {
    return parentId !== null && this.path(parentId).some((ancestor) => ancestor.id === id);
  }
}
