import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { noSubscriptionsOverHttp } from './http-subscriptions.js';

const schema = buildSchema('type Query { a: Int } type Subscription { events: Int }');
const check = (document: string) => validate(schema, parse(document), [...specifiedRules, noSubscriptionsOverHttp()]);

describe('noSubscriptionsOverHttp', () => {
  it('refuses a subscription with BAD_REQUEST', () => {
    const errors = check('subscription { events }');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(errors[0]!.message).toMatch(/WebSocket/);
  });

  it('lets queries through, even beside a subscription in the same document', () => {
    expect(check('{ a }')).toEqual([]);
    expect(check('query Q { a } subscription S { events }')).toHaveLength(1);
  });
});
