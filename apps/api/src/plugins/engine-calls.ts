import type { ApolloServerPlugin } from '@apollo/server';
import type { HangarContext } from '../context.js';

/**
 * Reports in `extensions.engineCalls` how many distinct engine calls the operation made: one request never asks
 * the same engine endpoint twice, and clients (and tests) can see it. `onCount` adds them up for /metrics.
 */
export function engineCallsPlugin(onCount: (calls: number) => void = () => {}): ApolloServerPlugin<HangarContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          onCount(contextValue.reader.callCount);
          if (response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, engineCalls: contextValue.reader.callCount };
        },
      };
    },
  };
}
