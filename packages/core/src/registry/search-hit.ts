/**
 * One result of an image search, whatever answered it: Docker Hub (through an engine's `/images/search`) or a
 * configured registry (Harbor's search API). Fields a source does not know are neutral (0, false, undefined)
 * rather than absent, so that results from several sources can be merged and sorted alike.
 */
export interface SearchHit {
  /** Repository name as the source spells it: `nginx`, `library/nginx`, `myproject/api`. */
  name: string;
  description: string | undefined;
  starCount: number;
  isOfficial: boolean;
  /** Deprecated on Docker Hub (always false there); kept because the engine's API still returns it. */
  isAutomated: boolean;
  /** The configured registry name that answered, or 'docker.io'. */
  registry: string;
}
