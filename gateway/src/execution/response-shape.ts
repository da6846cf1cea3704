import {
  getNamedType,
  GraphQLList,
  GraphQLNonNull,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** A field of the response, with every field node that asked for it under its response name. */
interface ShapedField {
  responseName: string;
  /** `__typename`: answered from the object's runtime type. */
  typename: boolean;
  type: GraphQLOutputType;
  /** The merged sub-selections, for object, interface and union fields. */
  shape?: SelectionShape;
}

/** A completion that must null its parent: a non-null field came back null. */
const INVALID = Symbol('invalid');

/** A non-null field that came back null without an error explaining why. */
export interface CompletionError {
  message: string;
  path: (string | number)[];
}

/**
 * The selection sets that apply at one place of the response, with their fields collected
 * per runtime type once and then reused by every response to the same operation.
 */
export class SelectionShape {
  private readonly fieldsByType = new Map<string, ShapedField[]>();

  constructor(
    private readonly selectionSets: readonly SelectionSetNode[],
    private readonly context: ShapeContext,
  ) {}

  /** The fields an object of `type` answers, merged by response name (as graphql-js collects them). */
  fieldsFor(type: GraphQLObjectType): ShapedField[] {
    let fields = this.fieldsByType.get(type.name);
    if (!fields) {
      const byName = new Map<string, FieldNode[]>();
      for (const selectionSet of this.selectionSets) this.collect(type, selectionSet, byName);
      fields = [...byName].map(([responseName, nodes]) => this.shapedField(type, responseName, nodes));
      this.fieldsByType.set(type.name, fields);
    }
    return fields;
  }

  private collect(type: GraphQLObjectType, selectionSet: SelectionSetNode, byName: Map<string, FieldNode[]>): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const responseName = selection.alias?.value ?? selection.name.value;
        const nodes = byName.get(responseName);
        if (nodes) nodes.push(selection);
        else byName.set(responseName, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(selection.typeCondition?.name.value, type)) this.collect(type, selection.selectionSet, byName);
      } else {
        const fragment = this.context.fragments[selection.name.value];
        if (fragment && this.applies(fragment.typeCondition.name.value, type)) this.collect(type, fragment.selectionSet, byName);
      }
    }
  }

  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (!condition || condition === type.name) return true;
    const conditionType = this.context.schema.getType(condition);
    return !!conditionType && isAbstractType(conditionType) && this.context.schema.isSubType(conditionType, type);
  }

  private shapedField(parent: GraphQLObjectType, responseName: string, nodes: FieldNode[]): ShapedField {
    const name = nodes[0]!.name.value;
    if (name === '__typename') return { responseName, typename: true, type: parent };
    const definition = parent.getFields()[name];
    if (!definition) throw new Error(`${parent.name}.${name} is not in the schema`);
    const shape = isCompositeType(getNamedType(definition.type))
      ? new SelectionShape(nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])), this.context)
      : undefined;
    return { responseName, typename: false, type: definition.type, shape };
  }
}

interface ShapeContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
}

/** Builds the shape of an operation's root selection set. */
export function operationShape(schema: GraphQLSchema, selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): SelectionShape {
  return new SelectionShape([selectionSet], { schema, fragments });
}

/**
 * Builds the response from the merged subgraph data: only the fields the client asked
 * for, in its order, under its aliases, with GraphQL's null propagation for non-null
 * fields. Mirrors `@apollo/gateway`'s result shaping, over a shape compiled once per
 * operation instead of walking the operation for every response.
 */
export function shapeResponse(
  schema: GraphQLSchema,
  root: SelectionShape,
  rootType: GraphQLObjectType,
  data: Record<string, unknown>,
  completionErrors: CompletionError[],
): Record<string, unknown> | null {
  const path: (string | number)[] = [];
  const shaped = completeObject(schema, root, rootType, data, path, completionErrors);
  return shaped === INVALID ? null : shaped;
}

function completeObject(
  schema: GraphQLSchema,
  shape: SelectionShape,
  type: GraphQLObjectType,
  input: Record<string, unknown>,
  path: (string | number)[],
  errors: CompletionError[],
): Record<string, unknown> | typeof INVALID {
  const output: Record<string, unknown> = {};
  for (const field of shape.fieldsFor(type)) {
    if (field.typename) {
      output[field.responseName] = type.name;
      continue;
    }
    path.push(field.responseName);
    const value = complete(schema, field.type, field.shape, input[field.responseName], path, errors);
    path.pop();
    if (value === INVALID) return INVALID;
    output[field.responseName] = value;
  }
  return output;
}

function complete(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  shape: SelectionShape | undefined,
  value: unknown,
  path: (string | number)[],
  errors: CompletionError[],
): unknown {
  if (type instanceof GraphQLNonNull) {
    const completed = complete(schema, type.ofType, shape, value, path, errors);
    if (completed === null) {
      errors.push({ message: `Cannot return null for non-nullable field at ${path.join('.')}.`, path: [...path] });
      return INVALID;
    }
    return completed;
  }
  if (value === null || value === undefined) return null;
  if (type instanceof GraphQLList) {
    if (!Array.isArray(value)) return null;
    const list = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      const element = complete(schema, type.ofType, shape, value[index], path, errors);
      path.pop();
      // A non-null element that is null nulls the whole list.
      if (element === INVALID) return null;
      list[index] = element;
    }
    return list;
  }
  if (!shape) return value;
  const input = value as Record<string, unknown>;
  const runtimeType = isObjectType(type) ? type : schema.getType(input.__typename as string);
  if (!runtimeType || !isObjectType(runtimeType)) return null;
  const object = completeObject(schema, shape, runtimeType, input, path, errors);
  // A non-null field of this object was null: the object itself becomes null.
  return object === INVALID ? null : object;
}
