// Node: the `ws` package (Node 20 has no global WebSocket). Chosen by the "#websocket" import's `node` condition.
import WebSocket from 'ws';

export const defaultWebSocket: unknown = WebSocket;
