import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEngine, type FakeEngine } from '../archives/fake-engine.js';

describe('DockerHostClient: a reset connection', () => {
  let engine: FakeEngine;
  beforeEach(async () => {
    engine = await startFakeEngine();
  });
  afterEach(async () => {
    await engine.close();
  });

  it('asks a GET once more after ECONNRESET, and answers', async () => {
    let calls = 0;
    engine.route('GET', '/images/json', (req, res) => {
      calls++;
      if (calls === 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    const client = engine.client();
    await expect(client.request({ path: '/images/json' })).resolves.toEqual([]);
    expect(calls).toBe(2);
  });

  it('a GET reset twice is an honest HOST_UNREACHABLE, not a hang', async () => {
    engine.route('GET', '/images/json', (req) => void req.socket.destroy());
    await expect(engine.client().request({ path: '/images/json' })).rejects.toMatchObject({ code: 'HOST_UNREACHABLE', message: /reset/ });
    expect(engine.calls().filter((call) => call.path === '/images/json')).toHaveLength(2);
  });

  it('never asks a POST twice (it may have been done)', async () => {
    engine.route('POST', '/images/x/tag', (req) => void req.socket.destroy());
    await expect(engine.client().request({ method: 'POST', path: '/images/x/tag' })).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
    expect(engine.calls().filter((call) => call.path === '/images/x/tag')).toHaveLength(1);
  });
});
