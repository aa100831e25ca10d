import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which hosts: by name, by labels, or both (a host matching either is chosen).' })
export class HostSelectorInput {
  @Field(() => [String], { nullable: true, description: 'Host names.' })
  names?: string[];

  @Field(() => [String], { nullable: true, description: '`key=value` labels; a host must have all of them.' })
  labels?: string[];
}

@InputType({ description: 'A key and a value (build args, labels).' })
export class KeyValueInput {
  @Field(() => String, { description: 'The key.' })
  key!: string;

  @Field(() => String, { description: 'The value.' })
  value!: string;
}

@InputType({ description: 'A small file of an inline build context.' })
export class BuildFileInput {
  @Field(() => String, { description: 'Path inside the context, relative (e.g. `app/config.json`).' })
  path!: string;

  @Field(() => String, { description: 'The file’s text.' })
  content!: string;
}

@InputType({ description: '`docker pull` onto hosts, as one job per host.' })
export class PullImageInput {
  @Field(() => String, { description: 'name[:tag] or name@digest.' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Host names (or use hostSelector; all hosts when neither is given).' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels.' })
  hostSelector?: HostSelectorInput;

  @Field(() => String, { nullable: true, description: '`--platform`, e.g. linux/arm64.' })
  platform?: string;

  @Field(() => String, { nullable: true, description: 'The configured registry whose credentials to use; by default the one whose host the reference names.' })
  registry?: string;
}

@InputType({ description: '`docker push` from hosts, as one job per host.' })
export class PushImageInput {
  @Field(() => String, { description: 'name[:tag] to push (it must be tagged for the registry).' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Host names.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels.' })
  hostSelector?: HostSelectorInput;

  @Field(() => String, { nullable: true, description: 'The configured registry whose credentials to use.' })
  registry?: string;
}

@InputType({ description: '`docker build` on hosts. Give the context as an inline Dockerfile (with small files), an uploaded tar (`contextUpload`), or a remote URL.' })
export class BuildImageInput {
  @Field(() => [String], { nullable: true, description: 'Host names.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels.' })
  hostSelector?: HostSelectorInput;

  @Field(() => String, { nullable: true, description: 'An inline Dockerfile.' })
  dockerfile?: string;

  @Field(() => [BuildFileInput], { nullable: true, description: 'Small files for an inline context (1 MiB in all).' })
  files?: BuildFileInput[];

  @Field(() => String, { nullable: true, description: 'A context uploaded with POST /api/v1/build-contexts (its key).' })
  contextUpload?: string;

  @Field(() => String, { nullable: true, description: 'A remote context: a git or tar URL the engine fetches.' })
  contextUrl?: string;

  @Field(() => String, { nullable: true, description: '`-f`: path of the Dockerfile inside the context.' })
  dockerfilePath?: string;

  @Field(() => [String], { nullable: true, description: '`-t`: tags for the image.' })
  tags?: string[];

  @Field(() => [KeyValueInput], { nullable: true, description: '`--build-arg`s.' })
  buildArgs?: KeyValueInput[];

  @Field(() => [KeyValueInput], { nullable: true, description: '`--label`s.' })
  labels?: KeyValueInput[];

  @Field(() => String, { nullable: true, description: '`--target` stage.' })
  target?: string;

  @Field(() => Boolean, { nullable: true, description: '`--no-cache`.' })
  noCache?: boolean;

  @Field(() => Boolean, { nullable: true, description: '`--pull`: always pull the base image.' })
  pull?: boolean;

  @Field(() => String, { nullable: true, description: '`--platform`.' })
  platform?: string;
}

@InputType({ description: '`docker import URL` on hosts, as jobs.' })
export class ImportImageInput {
  @Field(() => String, { description: 'URL of a rootfs tar the engine downloads.' })
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Host names.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels.' })
  hostSelector?: HostSelectorInput;

  @Field(() => String, { nullable: true, description: 'Repository of the new image.' })
  repo?: string;

  @Field(() => String, { nullable: true, description: 'Tag of the new image.' })
  tag?: string;

  @Field(() => String, { nullable: true, description: '`--message`.' })
  message?: string;

  @Field(() => [String], { nullable: true, description: '`--change` Dockerfile instructions.' })
  changes?: string[];
}

@InputType({ description: '`docker load` of an image archive from a URL, on hosts, as jobs.' })
export class LoadImageInput {
  @Field(() => String, { description: 'URL of an image archive (as `docker save` writes).' })
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Host names.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels.' })
  hostSelector?: HostSelectorInput;
}

@InputType({ description: 'Copy an image from one host to others, engine to engine (save piped into load), no registry.' })
export class CopyImageInput {
  @Field(() => String, { description: 'The host that has the image.' })
  sourceHost!: string;

  @Field(() => String, { description: 'The image: name[:tag], ID or ID prefix.' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Target host names.' })
  targetHosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Target hosts by names and labels.' })
  targetSelector?: HostSelectorInput;
}

@InputType({ description: 'Which job.' })
export class JobIdInput {
  @Field(() => ID, { description: 'The job’s ID.' })
  id!: string;
}
