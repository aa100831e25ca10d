import { describe, expect, it } from 'vitest';
import { baseUrlOf, graphqlHttpUrl, graphqlWebSocketUrl } from './endpoints.js';

describe('endpoints', () => {
  it('normalises the base URL and derives the HTTP and WebSocket endpoints', () => {
    expect(baseUrlOf(' http://127.0.0.1:4000/ ')).toBe('http://127.0.0.1:4000');
    expect(baseUrlOf('https://hangar.example.com/graphql')).toBe('https://hangar.example.com');
    expect(graphqlHttpUrl('http://h:4000')).toBe('http://h:4000/graphql');
    expect(graphqlWebSocketUrl('http://h:4000')).toBe('ws://h:4000/graphql');
    expect(graphqlWebSocketUrl('https://h')).toBe('wss://h/graphql');
    expect(graphqlWebSocketUrl('https://h/prefix')).toBe('wss://h/prefix/graphql');
  });
});
