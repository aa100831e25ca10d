import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Requests that Node's HTTP parser refuses before any route sees them (a request line or headers over the 16 KiB
 * limit, a malformed request) get the same JSON error shape as every other refusal, instead of Node's bare
 * `431` or `400` with no body. The connection is closed after the answer, as Node would.
 */
export function jsonClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = tooLarge ? 431 : timedOut ? 408 : 400;
    const message = tooLarge ? 'the request line and headers are larger than this server takes (16 KiB)' : timedOut ? 'the request took too long to arrive' : 'malformed HTTP request';
    const body = JSON.stringify({ errors: [{ message, extensions: { code: tooLarge ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST' } }] });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
