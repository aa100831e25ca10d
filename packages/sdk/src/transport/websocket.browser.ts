// Browsers (and other runtimes with a standard WebSocket): the global one. No Node module is imported here.
export const defaultWebSocket: unknown = typeof WebSocket === 'undefined' ? undefined : WebSocket;
