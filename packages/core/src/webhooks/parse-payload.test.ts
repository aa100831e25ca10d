import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, WebhookPayloadError } from './event.js';
import { parseWebhookPayload } from './parse-payload.js';

// Payloads from reference/webhooks.md (distribution captured from registry 2.8.2; Harbor and Docker Hub from their docs).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const distributionPush = JSON.parse(fixture('distribution-push.json').toString()) as { events: Record<string, unknown>[] };
const envelope = (...events: unknown[]) => Buffer.from(JSON.stringify({ events }));

function parseError(fn: () => unknown): WebhookPayloadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookPayloadError) return error;
    throw error;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('distribution (registry:2 notifications)', () => {
  it('reads a manifest push by tag', () => {
    const parsed = parseWebhookPayload('distribution', fixture('distribution-push.json'), {});
    expect(parsed.deliveryId).toBeUndefined();
    expect(parsed.ignoredReason).toBeUndefined();
    expect(parsed.events).toEqual([
      {
        eventId: '647d6fa9-718a-42ad-93d6-e9df35e9a405',
        action: 'push',
        repository: 'myorg/app',
        tag: '1.0.0',
        digest: 'sha256:752afcc037902ddc349eb1927febbbeee6a3ffa112637fa9d101e0ea08b23c02',
        registryHost: '127.0.0.1:5055',
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      },
    ]);
    expect(classifyEvent(parsed.events[0]!)).toEqual({ actionable: true });
  });

  it('reads every event of an envelope: blobs, pulls, deletes and untagged pushes are ignored', () => {
    const push = distributionPush.events[0]!;
    const target = push.target as Record<string, unknown>;
    const blob = { ...push, id: 'b1', target: { mediaType: 'application/octet-stream', digest: 'sha256:' + 'a'.repeat(64), repository: 'myorg/app', url: 'http://127.0.0.1:5055/v2/myorg/app/blobs/sha256:aa' } };
    const pull = { ...push, id: 'p1', action: 'pull', request: { ...(push.request as object), method: 'HEAD' } };
    const untagged = { ...push, id: 'u1', target: { ...target, tag: undefined } };
    const deleted = { id: 'd1', action: 'delete', target: { repository: 'myorg/app', digest: target.digest }, request: push.request };
    const parsed = parseWebhookPayload('distribution', envelope(blob, pull, push, untagged, deleted), {});
    expect(parsed.events.map((event) => [event.eventId, classifyEvent(event)])).toEqual([
      ['b1', { actionable: false, reason: 'blob upload' }],
      ['p1', { actionable: false, reason: 'pull event' }],
      ['647d6fa9-718a-42ad-93d6-e9df35e9a405', { actionable: true }],
      ['u1', { actionable: false, reason: 'untagged push (by digest)' }],
      ['d1', { actionable: false, reason: 'delete event' }],
    ]);
  });

  it('takes the registry host from the request when the target has no URL', () => {
    const push = distributionPush.events[0]!;
    const parsed = parseWebhookPayload('distribution', envelope({ ...push, target: { ...(push.target as object), url: undefined }, request: { host: 'registry.local:5000' } }), {});
    expect(parsed.events[0]!.registryHost).toBe('registry.local:5000');
  });

  it('refuses what a registry never sends, with a reason', () => {
    expect(parseError(() => parseWebhookPayload('distribution', Buffer.from('{"events": [1'), {})).message).toMatch(/^malformed JSON: /);
    expect(parseError(() => parseWebhookPayload('distribution', Buffer.from(''), {})).message).toBe('empty body: expected JSON');
    expect(parseError(() => parseWebhookPayload('distribution', Buffer.from('{"event": []}'), {})).message).toBe('not a registry notification: expected {"events": [...]}');
    expect(parseError(() => parseWebhookPayload('distribution', envelope({ action: 'push', target: { repository: 'a' } }), {})).message).toBe('events[0]: "id" and "action" are required');
    expect(parseError(() => parseWebhookPayload('distribution', envelope({ id: 'x', action: 'push', target: {} }), {})).message).toBe('events[0]: "target.repository" is required');
  });

  it('says so when the envelope is empty', () => {
    expect(parseWebhookPayload('distribution', envelope(), {})).toEqual({ deliveryId: undefined, events: [], ignoredReason: 'no events in the envelope' });
  });
});

describe('harbor', () => {
  it('reads the Default format and derives an event ID from type, digest, tag and occur_at', () => {
    const parsed = parseWebhookPayload('harbor', fixture('harbor-default.json'), {});
    expect(parsed.events).toEqual([
      {
        eventId: 'harbor:["PUSH_ARTIFACT","sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8","latest",1586922308]',
        action: 'push',
        repository: 'test-webhook/debian',
        tag: 'latest',
        digest: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8',
        registryHost: 'hub.harbor.com',
        mediaType: undefined,
      },
    ]);
    expect(classifyEvent(parsed.events[0]!).actionable).toBe(true);
    // The same push delivered again derives the same ID; a later push of the same tag does not.
    const again = JSON.parse(fixture('harbor-default.json').toString()) as Record<string, unknown>;
    expect(parseWebhookPayload('harbor', Buffer.from(JSON.stringify(again)), {}).events[0]!.eventId).toBe(parsed.events[0]!.eventId);
    expect(parseWebhookPayload('harbor', Buffer.from(JSON.stringify({ ...again, occur_at: 1586922999 })), {}).events[0]!.eventId).not.toBe(parsed.events[0]!.eventId);
  });

  it('reads a CloudEvent: its id is the event ID; a tag equal to the digest means untagged', () => {
    const parsed = parseWebhookPayload('harbor', fixture('harbor-cloudevents.json'), { 'content-type': 'application/cloudevents+json' });
    expect(parsed.deliveryId).toBe('66e18103-09c1-41f6-982f-37df223f3eeb');
    expect(parsed.events).toEqual([
      {
        eventId: '66e18103-09c1-41f6-982f-37df223f3eeb',
        action: 'push',
        repository: 'harbor/alpine',
        tag: undefined,
        digest: 'sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4',
        registryHost: 'localhost',
        mediaType: undefined,
      },
    ]);
    expect(classifyEvent(parsed.events[0]!)).toEqual({ actionable: false, reason: 'untagged push (by digest)' });
  });

  it('gives each resource of a CloudEvent its own event ID', () => {
    const body = JSON.parse(fixture('harbor-cloudevents.json').toString()) as { data: { resources: Record<string, unknown>[] } };
    const first = { ...body.data.resources[0]!, tag: 'v1', resource_url: 'harbor.example.com/harbor/alpine:v1' };
    body.data.resources = [first, { ...first, tag: 'v2' }];
    const parsed = parseWebhookPayload('harbor', Buffer.from(JSON.stringify(body)), {});
    expect(parsed.events.map((event) => [event.eventId, event.tag, event.registryHost])).toEqual([
      ['66e18103-09c1-41f6-982f-37df223f3eeb/0', 'v1', 'harbor.example.com'],
      ['66e18103-09c1-41f6-982f-37df223f3eeb/1', 'v2', 'harbor.example.com'],
    ]);
  });

  it('ignores event types other than artifact events, and reads pulls and deletes as such', () => {
    expect(parseWebhookPayload('harbor', Buffer.from('{"type":"SCANNING_COMPLETED","occur_at":1,"event_data":{}}'), {}).ignoredReason).toBe('SCANNING_COMPLETED event');
    const pulled = JSON.parse(fixture('harbor-cloudevents.json').toString()) as Record<string, unknown>;
    expect(parseWebhookPayload('harbor', Buffer.from(JSON.stringify({ ...pulled, type: 'harbor.artifact.pulled' })), {}).events[0]!.action).toBe('pull');
  });

  it('refuses a payload that is not Harbor’s', () => {
    expect(parseError(() => parseWebhookPayload('harbor', Buffer.from('[]'), {})).message).toBe('not a Harbor webhook: expected a JSON object');
    expect(parseError(() => parseWebhookPayload('harbor', Buffer.from('{"type":"PUSH_ARTIFACT"}'), {})).message).toBe('not a Harbor webhook: no "event_data" object');
  });
});

describe('dockerhub', () => {
  it('reads a push with no digest, deriving the event ID from repository, tag and pushed_at', () => {
    const parsed = parseWebhookPayload('dockerhub', fixture('dockerhub.json'), {});
    expect(parsed.events).toEqual([
      { eventId: 'dockerhub:["svendowideit/testhook","latest","1417566161"]', action: 'push', repository: 'svendowideit/testhook', tag: 'latest', digest: undefined, registryHost: 'docker.io', mediaType: undefined },
    ]);
    expect(classifyEvent(parsed.events[0]!).actionable).toBe(true);
  });

  it('accepts a float pushed_at', () => {
    const body = JSON.parse(fixture('dockerhub.json').toString()) as { push_data: Record<string, unknown> };
    body.push_data.pushed_at = 1417566161.25;
    expect(parseWebhookPayload('dockerhub', Buffer.from(JSON.stringify(body)), {}).events[0]!.eventId).toBe('dockerhub:["svendowideit/testhook","latest","1417566161.25"]');
  });

  it('refuses a payload without push_data', () => {
    expect(parseError(() => parseWebhookPayload('dockerhub', Buffer.from('{"repository":{}}'), {})).message).toMatch(/not a Docker Hub webhook/);
  });
});

describe('standard (Standard Webhooks)', () => {
  const headers = { 'webhook-id': 'msg_2Kd8', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,x' };

  it('reads image.pushed; the event ID is webhook-id', () => {
    const parsed = parseWebhookPayload('standard', fixture('standard-push.json'), headers);
    expect(parsed).toEqual({
      deliveryId: 'msg_2Kd8',
      events: [
        {
          eventId: 'msg_2Kd8',
          action: 'push',
          repository: 'team/api',
          tag: '2.4.1',
          digest: 'sha256:3f1a6c1f7f5e0c4b8a8d3e2f6b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c',
          registryHost: 'registry.example.com:5000',
          mediaType: 'application/vnd.oci.image.index.v1+json',
        },
      ],
      ignoredReason: undefined,
    });
    expect(classifyEvent(parsed.events[0]!).actionable).toBe(true);
  });

  it('ignores other event types and refuses a message without data', () => {
    expect(parseWebhookPayload('standard', Buffer.from('{"type":"invoice.paid","data":{}}'), headers).ignoredReason).toBe('invoice.paid event');
    expect(parseError(() => parseWebhookPayload('standard', Buffer.from('{"type":"image.pushed"}'), headers)).message).toBe('a image.pushed event needs a "data" object');
    expect(parseError(() => parseWebhookPayload('standard', fixture('standard-push.json'), {})).message).toBe('missing webhook-id header');
  });
});

describe('github (registry_package, package)', () => {
  const headers = { 'x-github-event': 'registry_package', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };

  it('reads a published container version', () => {
    const parsed = parseWebhookPayload('github', fixture('github-registry-package.json'), headers);
    expect(parsed.deliveryId).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(parsed.events).toEqual([
      {
        eventId: 'github:["octo-org/hello-web","66177431","v1.2.0","sha256:4f6a2c6b0b2a1e1d8f1b8c3e2a7d5e9f0c1b2a3d4e5f60718293a4b5c6d7e8f9","push"]',
        action: 'push',
        repository: 'octo-org/hello-web',
        tag: 'v1.2.0',
        digest: 'sha256:4f6a2c6b0b2a1e1d8f1b8c3e2a7d5e9f0c1b2a3d4e5f60718293a4b5c6d7e8f9',
        registryHost: 'ghcr.io',
        mediaType: undefined,
      },
    ]);
  });

  it('gives the package event of the same publish the same event ID', () => {
    const body = JSON.parse(fixture('github-registry-package.json').toString()) as Record<string, unknown>;
    const { registry_package: pkg, ...rest } = body;
    const asPackage = parseWebhookPayload('github', Buffer.from(JSON.stringify({ ...rest, package: { ...(pkg as object), package_type: 'container' } })), { 'x-github-event': 'package', 'x-github-delivery': 'other' });
    expect(asPackage.events[0]!.eventId).toBe(parseWebhookPayload('github', fixture('github-registry-package.json'), headers).events[0]!.eventId);
  });

  it('ignores pings, other events, other package types and an untagged version', () => {
    expect(parseWebhookPayload('github', Buffer.from('{"zen":"Design for failure.","hook_id":1}'), { 'x-github-event': 'ping' }).ignoredReason).toBe('ping event');
    expect(parseWebhookPayload('github', Buffer.from('{}'), { 'x-github-event': 'push' }).ignoredReason).toBe('push event');
    const npm = JSON.parse(fixture('github-registry-package.json').toString()) as { registry_package: Record<string, unknown> };
    npm.registry_package.package_type = 'npm';
    npm.registry_package.ecosystem = 'npm';
    expect(parseWebhookPayload('github', Buffer.from(JSON.stringify(npm)), headers).ignoredReason).toBe('npm package');
    const untagged = JSON.parse(fixture('github-registry-package.json').toString()) as { registry_package: { package_version: { container_metadata: { tag: { name: string } } } } };
    untagged.registry_package.package_version.container_metadata.tag.name = '';
    const parsed = parseWebhookPayload('github', Buffer.from(JSON.stringify(untagged)), headers);
    expect(classifyEvent(parsed.events[0]!)).toEqual({ actionable: false, reason: 'untagged push (by digest)' });
  });
});
