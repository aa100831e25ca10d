import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { requireRole } from '../auth/roles.js';
import type { HangarContext } from '../context.js';
import { AuditActor, AuditConnection, AuditEntry } from './audit.type.js';
import { checkPageSize, checkStreamCursor, PageInfo } from './pagination.js';

@Resolver()
export class AuditResolver {
  @Query(() => AuditConnection, { description: 'The audit trail, newest first: every mutation and archive call. Admins only.' })
  async auditLog(
    @Ctx() { audit, principal }: HangarContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<AuditConnection> {
    requireRole(principal, 'admin', 'the audit log');
    checkStreamCursor(after);
    const { entries, hasMore } = await audit.read({ first: checkPageSize(first), before: after ?? undefined });
    return Object.assign(new AuditConnection(), {
      nodes: entries.map((entry) =>
        Object.assign(new AuditEntry(), { ...entry, actor: Object.assign(new AuditActor(), entry.actor), target: JSON.stringify(entry.target) }),
      ),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: hasMore, hasPreviousPage: Boolean(after), startCursor: entries[0]?.id, endCursor: entries.at(-1)?.id }),
    });
  }
}
