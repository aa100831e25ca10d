import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A key/value label, as on Docker objects and Hangar hosts.' })
export class Label {
  @Field(() => String, { description: 'The label key.' })
  key!: string;

  @Field(() => String, { description: 'The label value (may be empty).' })
  value!: string;

  static fromRecord(record: Record<string, string> | null | undefined): Label[] {
    return Object.entries(record ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => Object.assign(new Label(), { key, value }));
  }
}
