import { print, type DocumentNode } from 'graphql';

const printedDocuments = new WeakMap<DocumentNode, string>();

/** The document as query text, printed once per document object. */
export function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}
