import type { HostFieldsFragment } from '@hangar/sdk';
import { FieldContext } from '../format/go-template.js';
import { createdSince } from '../format/go-units.js';

export const HOST_HEADERS = {
  Name: 'NAME',
  Status: 'STATUS',
  Endpoint: 'ENDPOINT',
  EngineVersion: 'ENGINE',
  APIVersion: 'API',
  OS: 'OS',
  Arch: 'ARCH',
  Labels: 'LABELS',
  Error: 'ERROR',
  ErrorCode: 'ERROR CODE',
  StatusSince: 'SINCE',
  CheckedAt: 'CHECKED AT',
} as const;

export const DEFAULT_HOST_TABLE = 'table {{.Name}}\t{{.Status}}\t{{.EngineVersion}}\t{{.APIVersion}}\t{{.Endpoint}}\t{{.Labels}}\t{{.Error}}';

export function hostFormat(format: string | undefined, quiet: boolean): string {
  const source = format ?? 'table';
  if (source !== 'table') return source;
  return quiet ? '{{.Name}}' : DEFAULT_HOST_TABLE;
}

/** Labels as docker prints them (`docker ps --format {{.Labels}}`): `k=v,k2=v2`, sorted by key. */
export function labelsText(labels: readonly { key: string; value: string }[]): string {
  return [...labels]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key, value }) => `${key}=${value}`)
    .join(',');
}

/** One `hangar host ls` row. */
export function hostRow(host: HostFieldsFragment): FieldContext {
  return new FieldContext('*hangar.hostContext', {
    APIVersion: () => host.engine?.apiVersion ?? '',
    Arch: () => host.engine?.arch ?? '',
    CheckedAt: () => host.checkedAt ?? '',
    Endpoint: () => host.endpoint,
    EngineVersion: () => host.engine?.version ?? '',
    Error: () => host.error ?? '',
    ErrorCode: () => host.errorCode ?? '',
    Labels: () => labelsText(host.labels),
    Name: () => host.name,
    OS: () => host.engine?.os ?? '',
    Status: () => host.status,
    StatusSince: () => createdSince(new Date(host.statusSince)),
  });
}
