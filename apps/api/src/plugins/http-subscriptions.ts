import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * A validation rule for GraphQL over HTTP only: a subscription is served over WebSocket (graphql-ws on the same
 * path). Over a POST, Apollo would execute it once as if it were a query, with no event to resolve, and the
 * client got an INTERNAL error ("Cannot return null for non-nullable field"). Refused with BAD_REQUEST instead.
 */
export function noSubscriptionsOverHttp() {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return;
      context.reportError(
        new GraphQLError('subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP', { nodes: [node], extensions: { code: 'BAD_REQUEST' } }),
      );
    },
  });
}
