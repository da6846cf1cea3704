import { describe, expect, it } from 'vitest';
import { CategoryTree } from '../src/category/category-tree';

const tree = new CategoryTree([
  { id: 'home', parentId: null },
  { id: 'kitchen', parentId: 'home' },
  { id: 'mugs', parentId: 'kitchen' },
  { id: 'garden', parentId: 'home' },
  { id: 'books', parentId: null },
]);

describe('CategoryTree', () => {
  it('gives the path from the root down to a category', () => {
    expect(tree.path('mugs').map((node) => node.id)).toEqual(['home', 'kitchen', 'mugs']);
    expect(tree.path('unknown')).toEqual([]);
  });

  it('lists a category and all its descendants', () => {
    expect(tree.subtreeIds('home').sort()).toEqual(['garden', 'home', 'kitchen', 'mugs']);
    expect(tree.subtreeIds('mugs')).toEqual(['mugs']);
  });

  it('refuses moves that would make a category its own ancestor', () => {
    expect(tree.wouldCycle('home', 'mugs')).toBe(true);
    expect(tree.wouldCycle('kitchen', 'kitchen')).toBe(true);
    expect(tree.wouldCycle('kitchen', 'books')).toBe(false);
    expect(tree.wouldCycle('mugs', null)).toBe(false);
  });

  it('lists roots and children', () => {
    expect(tree.roots().map((node) => node.id)).toEqual(['home', 'books']);
    expect(tree.children('home').map((node) => node.id)).toEqual(['kitchen', 'garden']);
  });
});
