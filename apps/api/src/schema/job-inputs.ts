import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which hosts: by name, by labels, or both (a host matching either is chosen). Give names or labels: an empty selector selects no host.' })
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

@InputType({ description: '`docker pull` onto hosts, as one job per host. The hosts must be chosen: `hosts`, `hostSelector`, or `allHosts: true`.' })
export class PullImageInput {
  @Field(() => String, { description: 'name[:tag] or name@digest.' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Host names (at least one). Give `hosts`, `hostSelector` or `allHosts: true`: there is no default.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels (with `hosts`: either chooses a host).' })
  hostSelector?: HostSelectorInput;

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees) that is up; each host that is down is a user error and gets no job. Not with `hosts` or `hostSelector`.' })
  allHosts?: boolean;

  @Field(() => String, { nullable: true, description: '`--platform`, e.g. linux/arm64.' })
  platform?: string;

  @Field(() => String, { nullable: true, description: 'The configured registry whose credentials to use; by default the one whose host the reference names.' })
  registry?: string;
}

@InputType({ description: '`docker push` from hosts, as one job per host. The hosts must be chosen: `hosts`, `hostSelector`, or `allHosts: true`.' })
export class PushImageInput {
  @Field(() => String, { description: 'name[:tag] to push (it must be tagged for the registry).' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Host names (at least one). Give `hosts`, `hostSelector` or `allHosts: true`: there is no default.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels (with `hosts`: either chooses a host).' })
  hostSelector?: HostSelectorInput;

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees) that is up; each host that is down is a user error and gets no job. Not with `hosts` or `hostSelector`.' })
  allHosts?: boolean;

  @Field(() => String, { nullable: true, description: 'The configured registry whose credentials to use.' })
  registry?: string;
}

@InputType({ description: '`docker build` on hosts. Give the context as an inline Dockerfile (with small files), an uploaded tar (`contextUpload`), or a remote URL. The hosts must be chosen: `hosts`, `hostSelector`, or `allHosts: true`.' })
export class BuildImageInput {
  @Field(() => [String], { nullable: true, description: 'Host names (at least one). Give `hosts`, `hostSelector` or `allHosts: true`: there is no default.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels (with `hosts`: either chooses a host).' })
  hostSelector?: HostSelectorInput;

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees) that is up; each host that is down is a user error and gets no job. Not with `hosts` or `hostSelector`.' })
  allHosts?: boolean;

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

@InputType({ description: '`docker import URL` on hosts, as jobs. The hosts must be chosen: `hosts`, `hostSelector`, or `allHosts: true`.' })
export class ImportImageInput {
  @Field(() => String, { description: 'URL of a rootfs tar the engine downloads.' })
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Host names (at least one). Give `hosts`, `hostSelector` or `allHosts: true`: there is no default.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels (with `hosts`: either chooses a host).' })
  hostSelector?: HostSelectorInput;

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees) that is up; each host that is down is a user error and gets no job. Not with `hosts` or `hostSelector`.' })
  allHosts?: boolean;

  @Field(() => String, { nullable: true, description: 'Repository of the new image.' })
  repo?: string;

  @Field(() => String, { nullable: true, description: 'Tag of the new image.' })
  tag?: string;

  @Field(() => String, { nullable: true, description: '`--message`.' })
  message?: string;

  @Field(() => [String], { nullable: true, description: '`--change` Dockerfile instructions.' })
  changes?: string[];
}

@InputType({ description: '`docker load` of an image archive from a URL, on hosts, as jobs. The hosts must be chosen: `hosts`, `hostSelector`, or `allHosts: true`.' })
export class LoadImageInput {
  @Field(() => String, { description: 'URL of an image archive (as `docker save` writes).' })
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Host names (at least one). Give `hosts`, `hostSelector` or `allHosts: true`: there is no default.' })
  hosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Hosts by names and labels (with `hosts`: either chooses a host).' })
  hostSelector?: HostSelectorInput;

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees) that is up; each host that is down is a user error and gets no job. Not with `hosts` or `hostSelector`.' })
  allHosts?: boolean;
}

@InputType({ description: 'Copy an image from one host to others, engine to engine (save piped into load), no registry. The targets must be chosen: `targetHosts`, `targetSelector`, or `allHosts: true`.' })
export class CopyImageInput {
  @Field(() => String, { description: 'The host that has the image.' })
  sourceHost!: string;

  @Field(() => String, { description: 'The image: name[:tag], ID or ID prefix.' })
  ref!: string;

  @Field(() => [String], { nullable: true, description: 'Target host names (at least one; the source among them is skipped). Give `targetHosts`, `targetSelector` or `allHosts: true`: there is no default.' })
  targetHosts?: string[];

  @Field(() => HostSelectorInput, { nullable: true, description: 'Target hosts by names and labels (with `targetHosts`: either chooses a host).' })
  targetSelector?: HostSelectorInput;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True: every host but the source (of those the token sees) that is up; each host that is down is a user error (its health-check code, e.g. HOST_UNREACHABLE) and gets no job. Not with `targetHosts` or `targetSelector`. A target named explicitly gets its job even when down (the job fails with the engine error if the host does not come back).',
  })
  allHosts?: boolean;
}

@InputType({ description: 'Which job.' })
export class JobIdInput {
  @Field(() => ID, { description: 'The job’s ID.' })
  id!: string;
}
