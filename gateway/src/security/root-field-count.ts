import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** Finds a fragment of the document by name. */
export type FragmentLookup = (name: string) => FragmentDefinitionNode | undefined | null;

/**
 * The root fields an operation selects, each alias separately and through its
 * fragments: `{ a: product(id: 1) { id } b: product(id: 2) { id } }` selects two. A
 * fragment spread twice counts twice; a fragment that spreads itself (refused by
 * validation anyway) is followed once.
 */
export function rootFieldsOf(selectionSet: SelectionSetNode, fragmentNamed: FragmentLookup, within = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFieldsOf(selection.selectionSet, fragmentNamed, within));
    else {
      const name = selection.name.value;
      const fragment = fragmentNamed(name);
      if (!fragment || within.has(name)) continue;
      within.add(name);
      fields.push(...rootFieldsOf(fragment.selectionSet, fragmentNamed, within));
      within.delete(name);
    }
  }
  return fields;
}

/** Looks fragments up in a parsed document. */
export function fragmentsOf(document: DocumentNode): FragmentLookup {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return (name) => fragments.get(name);
}
