import { parseLabelSelector, selectHosts as selectFleetHosts } from '@hangar/core';
import type { HangarContext } from '../context.js';
import type { HostSelectorInput } from './job-inputs.js';
import { UserError } from './user-error.type.js';

/**
 * The hosts a mutation that changes images acts on. Nothing is chosen by default: the caller names hosts, or
 * says `allHosts: true`. Errors here are blocking (the mutation does nothing anywhere); `down` are hosts that
 * `allHosts` chose but whose engine is down: each is reported and left out, the others go on.
 */
export interface HostChoice {
  hosts: string[];
  errors: UserError[];
  down: UserError[];
}

/** The input fields a mutation selects hosts with (their names differ: `hosts` or `targetHosts`, ...). */
export interface HostChoiceFields {
  names: string;
  selector?: string;
}

/**
 * Resolves `hosts` (names), a `HostSelectorInput` (names and labels) and `allHosts` against the caller's fleet
 * (a scoped token sees only its hosts). No selection, an empty list and an empty selector are BAD_REQUEST;
 * `allHosts` with another selection is BAD_REQUEST; unknown names are HOST_NOT_FOUND. With `allHosts`, every host
 * is health-checked now (one bounded `GET /version` each, shared with a check already under way) and the DOWN
 * ones are reported, not chosen: a host stopped a moment ago is not trusted from an older check.
 */
export async function chooseHosts(
  context: HangarContext,
  input: { names?: string[] | null; selector?: HostSelectorInput | null; allHosts?: boolean | null },
  fields: HostChoiceFields,
  { exclude }: { exclude?: string } = {},
): Promise<HostChoice> {
  const namesField = ['input', fields.names];
  const selectorField = fields.selector ? ['input', fields.selector] : undefined;
  const hasNames = input.names !== undefined && input.names !== null;
  const hasSelector = input.selector !== undefined && input.selector !== null;
  const given = [fields.names, ...(fields.selector ? [fields.selector] : [])].join(' or ');
  const errors: UserError[] = [];

  if (input.allHosts) {
    if (hasNames || hasSelector) return { hosts: [], down: [], errors: [UserError.of('BAD_REQUEST', `give ${given}, or allHosts: true, not both`, { field: ['input', 'allHosts'] })] };
    const all = context.hosts.names().filter((name) => name !== exclude);
    const states = await Promise.all(all.map((name) => context.hosts.check(name)));
    const down = states
      .filter((state) => state.status === 'DOWN')
      .map((state) =>
        UserError.of(state.error?.code ?? 'HOST_UNREACHABLE', `${state.name} is down, nothing was started on it: ${state.error?.message ?? 'no answer'}`, {
          field: ['input', 'allHosts'],
          host: state.name,
        }),
      );
    const hosts = states.filter((state) => state.status === 'UP').map((state) => state.name);
    return { hosts, down, errors: all.length === 0 ? [UserError.of('BAD_REQUEST', 'allHosts: there is no host to act on', { field: ['input', 'allHosts'] })] : [] };
  }

  if (!hasNames && !hasSelector) {
    return { hosts: [], down: [], errors: [UserError.of('BAD_REQUEST', `${fields.names}: choose the hosts (${given}), or set allHosts: true to act on every host`, { field: namesField })] };
  }
  if (hasNames && input.names!.length === 0) errors.push(UserError.of('BAD_REQUEST', `${fields.names}: an empty list names no host; name at least one, or set allHosts: true`, { field: namesField }));
  if (hasSelector && !input.selector!.names?.length && !input.selector!.labels?.length) {
    errors.push(UserError.of('BAD_REQUEST', `${fields.selector}: give names or labels; an empty selector selects no host`, { field: selectorField }));
  }
  if (errors.length) return { hosts: [], down: [], errors };

  const selection = { names: [...(input.names ?? []), ...(input.selector?.names ?? [])], labels: input.selector?.labels?.map(parseLabelSelector) };
  const { hosts, unknown } = selectFleetHosts(context.hosts.fleet(), selection);
  errors.push(...unknown.map((name) => UserError.of('HOST_NOT_FOUND', `no host named "${name}"`, { field: namesField, host: name })));
  if (hosts.length === 0 && errors.length === 0) errors.push(UserError.of('BAD_REQUEST', 'no host matches', { field: selectorField ?? namesField }));
  return { hosts, errors, down: [] };
}
