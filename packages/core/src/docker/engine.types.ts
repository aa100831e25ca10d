/** What `GET /version` says about an engine, plus the API version Hangar negotiated with it. */
export interface EngineVersion {
  version: string;
  /** The API version Hangar talks to this engine in. */
  apiVersion: string;
  /** The newest API version the engine serves. */
  maxApiVersion: string;
  /** The oldest API version the engine accepts. */
  minApiVersion: string | undefined;
  os: string;
  arch: string;
  kernelVersion: string | undefined;
  goVersion: string | undefined;
  gitCommit: string | undefined;
}

/** What `GET /info` says about an engine's machine and storage. */
export interface EngineSystemInfo {
  id: string | undefined;
  name: string | undefined;
  operatingSystem: string | undefined;
  storageDriver: string | undefined;
  dockerRootDir: string | undefined;
  images: number;
  containers: number;
  cpus: number;
  memoryBytes: number;
}

export type EngineInfo = EngineVersion & EngineSystemInfo;
