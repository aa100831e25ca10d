/** Which hosts to act on: by name, by labels (a host must carry every label; a label without value only needs the key), or both (union). */
export interface HostSelection {
  names?: readonly string[] | undefined;
  labels?: readonly (readonly [key: string, value: string | undefined])[] | undefined;
}

/** `key=value` (or `key` alone: the host must have the label, whatever its value) as a selector entry. */
export function parseLabelSelector(label: string): [string, string | undefined] {
  const eq = label.indexOf('=');
  return eq < 0 ? [label, undefined] : [label.slice(0, eq), label.slice(eq + 1)];
}

/** A `{key: value}` map (hangar.yaml) as selector entries. */
export function labelSelectorOf(labels: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(labels ?? {});
}

/**
 * Resolves a selection against the fleet: the named hosts (in the order given), then those whose labels match (in
 * fleet order), without repeats. No selection at all means every host. Names that are not hosts come back apart.
 */
export function selectHosts(fleet: readonly { name: string; labels: Readonly<Record<string, string>> }[], selection: HostSelection | undefined): { hosts: string[]; unknown: string[] } {
  if (!selection) return { hosts: fleet.map((host) => host.name), unknown: [] };
  const chosen = new Set<string>();
  const unknown: string[] = [];
  const known = new Set(fleet.map((host) => host.name));
  for (const name of selection.names ?? []) {
    if (known.has(name)) chosen.add(name);
    else if (!unknown.includes(name)) unknown.push(name);
  }
  const wanted = selection.labels ?? [];
  if (wanted.length) {
    for (const host of fleet) {
      if (wanted.every(([key, value]) => (value === undefined ? Object.hasOwn(host.labels, key) : host.labels[key] === value))) chosen.add(host.name);
    }
  }
  return { hosts: [...chosen], unknown };
}
