import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { Host } from './host.type.js';

/** A status younger than this is served as it is; older ones are checked again before answering. */
const FRESH_MS = 1_000;

@Resolver(() => Host)
export class HostResolver {
  @Query(() => [Host], { description: 'Every configured host with its health, checked now unless checked within the last second. Bounded by the health timeout.' })
  async hosts(
    @Ctx() { hosts }: HangarContext,
    @Arg('refresh', () => Boolean, { nullable: true, description: 'Check every host now, even if it was checked a moment ago.' }) refresh?: boolean,
  ): Promise<Host[]> {
    const states = await hosts.checkAll({ maxAgeMs: refresh ? 0 : FRESH_MS });
    return states.map((state) => Host.from(state));
  }

  @Query(() => Host, { nullable: true, description: 'One host by name; null when no host has that name.' })
  async host(
    @Ctx() { hosts }: HangarContext,
    @Arg('name', () => String, { description: 'The host’s name in the configuration.' }) name: string,
    @Arg('refresh', () => Boolean, { nullable: true, description: 'Check the host now, even if it was checked a moment ago.' }) refresh?: boolean,
  ): Promise<Host | null> {
    if (!hosts.has(name)) return null;
    return Host.from(await hosts.check(name, { maxAgeMs: refresh ? 0 : FRESH_MS }));
  }
}
