import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from './endpoint.js';

describe('parseEndpoint', () => {
  it.each([
    ['unix:///var/run/docker.sock', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['/run/docker.sock', { kind: 'unix', socketPath: '/run/docker.sock' }],
    ['tcp://127.0.0.1:2376', { kind: 'tcp', host: '127.0.0.1', port: 2376 }],
    ['tcp://docker.example.com', { kind: 'tcp', host: 'docker.example.com', port: undefined }],
    ['tcp://[::1]:2375', { kind: 'tcp', host: '::1', port: 2375 }],
    ['http://10.0.0.5:80', { kind: 'tcp', host: '10.0.0.5', port: 80 }],
    ['ssh://deploy@edge-1:2222', { kind: 'ssh', host: 'edge-1', port: 2222, username: 'deploy' }],
    ['ssh://edge-1', { kind: 'ssh', host: 'edge-1', port: 22, username: undefined }],
  ])('reads %s', (input, expected) => {
    expect(parseEndpoint(input)).toEqual(expected);
  });

  it.each([
    ['docker.sock', /expected unix:\/\//],
    ['ftp://host', /unsupported scheme "ftp"/],
    ['unix://relative.sock', /must be absolute/],
    ['tcp://', /no host|expected/],
    ['tcp://host:notaport', /malformed endpoint/],
    ['tcp://host:70000', /malformed endpoint/],
    ['tcp://host:2375/path', /unexpected path/],
    ['tcp://user:secret@host:2375', /credentials do not belong/],
    ['ssh://user:secret@host', /passwords do not belong/],
  ])('rejects %s with a reason', (input, reason) => {
    expect(() => parseEndpoint(input)).toThrow(reason);
  });

  it('formats endpoints with their default ports and no secrets', () => {
    expect(formatEndpoint(parseEndpoint('tcp://h'), true)).toBe('tcp://h:2376');
    expect(formatEndpoint(parseEndpoint('tcp://h'), false)).toBe('tcp://h:2375');
    expect(formatEndpoint(parseEndpoint('tcp://[::1]:1'), false)).toBe('tcp://[::1]:1');
    expect(formatEndpoint(parseEndpoint('ssh://u@h'), false)).toBe('ssh://u@h:22');
    expect(formatEndpoint(parseEndpoint('/s.sock'), false)).toBe('unix:///s.sock');
  });
});
