import { describe, expect, it } from 'vitest';
import { classifyEvent, hostOfResource, isBlobMediaType, type RegistryPushEvent } from './event.js';

const push: RegistryPushEvent = { eventId: 'e', action: 'push', repository: 'team/web', tag: '1.0', digest: 'sha256:' + 'a'.repeat(64), registryHost: 'r:5000', mediaType: 'application/vnd.oci.image.manifest.v1+json' };

describe('classifyEvent', () => {
  it('acts on a push of a tagged manifest, with or without a digest or media type', () => {
    expect(classifyEvent(push)).toEqual({ actionable: true });
    expect(classifyEvent({ ...push, digest: undefined, mediaType: undefined })).toEqual({ actionable: true });
    expect(classifyEvent({ ...push, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' })).toEqual({ actionable: true });
  });

  it('ignores pulls, deletes, blobs and pushes by digest', () => {
    expect(classifyEvent({ ...push, action: 'pull' })).toEqual({ actionable: false, reason: 'pull event' });
    expect(classifyEvent({ ...push, action: 'delete' })).toEqual({ actionable: false, reason: 'delete event' });
    expect(classifyEvent({ ...push, mediaType: 'application/octet-stream' })).toEqual({ actionable: false, reason: 'blob upload' });
    expect(classifyEvent({ ...push, tag: undefined })).toEqual({ actionable: false, reason: 'untagged push (by digest)' });
  });
});

describe('isBlobMediaType', () => {
  it('tells layers and configs from manifests', () => {
    expect(isBlobMediaType('application/octet-stream')).toBe(true);
    expect(isBlobMediaType('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe(true);
    expect(isBlobMediaType('application/vnd.oci.image.layer.v1.tar+gzip')).toBe(true);
    expect(isBlobMediaType('application/vnd.docker.container.image.v1+json')).toBe(true);
    expect(isBlobMediaType('application/vnd.oci.image.config.v1+json')).toBe(true);
    expect(isBlobMediaType('application/vnd.oci.image.index.v1+json')).toBe(false);
    expect(isBlobMediaType(undefined)).toBe(false);
  });
});

describe('hostOfResource', () => {
  it('finds the registry host of a resource URL or reference', () => {
    expect(hostOfResource('hub.harbor.com/test-webhook/debian:latest')).toBe('hub.harbor.com');
    expect(hostOfResource('localhost/harbor/alpine@sha256:954b')).toBe('localhost');
    expect(hostOfResource('127.0.0.1:5000/a/b:1')).toBe('127.0.0.1:5000');
    expect(hostOfResource('https://ghcr.io/octo-org')).toBe('ghcr.io');
    expect(hostOfResource('team/app:1')).toBeUndefined();
    expect(hostOfResource('debian')).toBeUndefined();
    expect(hostOfResource(undefined)).toBeUndefined();
  });
});
