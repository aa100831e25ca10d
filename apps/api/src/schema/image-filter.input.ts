import { Field, InputType } from 'type-graphql';

@InputType({ description: 'docker’s `image ls --filter`s. Every given filter must match.' })
export class ImageFilterInput {
  @Field(() => Boolean, { nullable: true, description: '`dangling=true`: only images without tag or digest; `false`: only the others.' })
  dangling?: boolean;

  @Field(() => [String], { nullable: true, description: '`label=key` or `label=key=value`; all must match.' })
  label?: string[];

  @Field(() => [String], { nullable: true, description: '`reference=pattern`: docker’s glob on the image name (`busybox:1.*`, `goharbor/*`); any may match.' })
  reference?: string[];

  @Field(() => String, { nullable: true, description: '`before=image`: images created before this one (name, ID or ID prefix).' })
  before?: string;

  @Field(() => String, { nullable: true, description: '`since=image`: images created after this one.' })
  since?: string;

  @Field(() => String, { nullable: true, description: '`until=time`: images created before a time: a duration back from now (`24h`), RFC 3339, or Unix seconds.' })
  until?: string;
}
