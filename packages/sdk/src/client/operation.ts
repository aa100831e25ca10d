import { print, type DocumentNode, type OperationTypeNode } from 'graphql';

export interface PreparedOperation {
  /** The document as sent: printed once, then reused. */
  query: string;
  /** The name of its (first) operation, sent as `operationName`. */
  name: string | undefined;
  type: OperationTypeNode | undefined;
}

const prepared = new WeakMap<DocumentNode, PreparedOperation>();

/** What a request needs of a document, computed once per document object. */
export function prepareOperation(document: DocumentNode): PreparedOperation {
  let operation = prepared.get(document);
  if (!operation) {
    const definition = document.definitions.find((node) => node.kind === 'OperationDefinition');
    operation = {
      query: print(document),
      name: definition && 'name' in definition ? definition.name?.value : undefined,
      type: definition && 'operation' in definition ? definition.operation : undefined,
    };
    prepared.set(document, operation);
  }
  return operation;
}
