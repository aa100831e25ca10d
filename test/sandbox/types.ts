/** Public types of the test sandbox (see ./README.md). */

export type EngineName = 'alpha' | 'beta' | 'gamma';

export const ENGINE_NAMES: readonly EngineName[] = ['alpha', 'beta', 'gamma'];

export interface EngineInfo {
  name: EngineName;
  /** 'unix:///tmp/hs-xxxxxx/alpha/docker.sock' (alpha, beta) or 'tcp://127.0.0.1:PORT' (gamma, mutual TLS). */
  endpoint: string;
  /** Engine labels (`dockerd --label`), visible in `docker info` / `GET /info` `Labels` as "k=v". */
  labels: Record<string, string>;
  /** Absolute paths of the CA and of the CLIENT certificate and key (gamma only). Same files as DOCKER_CERT_PATH. */
  tls?: { ca: string; cert: string; key: string };
  /** dockerd --data-root. */
  dataRoot: string;
}

export interface RegistryInfo {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  /** '127.0.0.1:PORT': the registry part of an image reference. */
  host: string;
  /** htpasswd user: 'hangar'. */
  username: string;
  password: string;
  /**
   * More htpasswd users, for credential tests: passwords of three consecutive lengths, with characters that need
   * escaping in JSON (`:`, `@`, `"`, `\`), non-ASCII, and bytes whose base64 holds `+` and `/`. Fresh each run.
   */
  users: { username: string; password: string; why: string }[];
  /** Where the registry POSTs its notifications (endpoint name 'hangar'). */
  webhookUrl: string;
  /** The registry sends `Authorization: Bearer <webhookToken>` with every notification. */
  webhookToken: string;
}

/** An sshd on loopback whose sessions talk to one engine: an `ssh://` host for Hangar (docker-modem runs
 * `docker system dial-stdio` on it). Key login only, for `user` only. */
export interface SshInfo {
  /** 'ssh://root@127.0.0.1:PORT' */
  endpoint: string;
  /** '127.0.0.1' */
  host: string;
  port: number;
  /** 'root' (the only user allowed to log in). */
  user: string;
  /** The engine every session reaches (sshd_config `SetEnv DOCKER_HOST=<its endpoint>`): 'alpha'. */
  target: EngineName;
  /** Absolute path of the client's ed25519 private key (OpenSSH format, no passphrase, mode 600). */
  privateKey: string;
  /** Its public key ('<privateKey>.pub'), the only entry of the server's authorized_keys. */
  publicKey: string;
  /** A known_hosts file holding the server's host key as `[127.0.0.1]:PORT ssh-ed25519 ...`. */
  knownHosts: string;
  /** sshd's log (`-e`, LogLevel VERBOSE): 'Accepted publickey for root ...', failed attempts, 'Received disconnect'. */
  logFile: string;
}

/** What was seeded on ONE engine. Image ids differ between engines (each engine imports and builds its own). */
export interface EngineSeed {
  /** Every tagged reference present on this engine after seeding (alpha also holds `pushed.ref`). */
  refs: string[];
  /** Image id ('sha256:...') of every ref in `refs`. */
  imageIds: Record<string, string>;
  /** Id of the untagged (`<none>:<none>`, dangling=true) image left by building `rebuiltRef` twice. */
  danglingImageId: string;
  /** Id of the created (never started) container `container.name`. */
  containerId: string;
}

export interface SeedInfo {
  /** False when the sandbox was started with `seed: false`: then the names below are still filled in, but nothing
   * exists on the engines, `engines` has empty entries and `pushed` is null. */
  seeded: boolean;
  /** Busybox rootfs imported with `docker import`: 'hangar-test/base:1.0'. Every other image is built FROM it. */
  baseRef: string;
  /** All single-tag images built FROM base: app:1.0, app:1.1, labeled:1.0, rebuilt:latest. */
  taggedRefs: string[];
  /** ['hangar-test/app:1.0', 'hangar-test/app:1.1']: base layer + one shared COPY layer, then a different RUN layer. */
  sharedLayerRefs: [string, string];
  /** One image with several tags: multi:a, multi:b, multi:latest (same image id). */
  multiTagRefs: string[];
  /** 'hangar-test/rebuilt:latest': built twice with different content; the first build is the dangling image. */
  rebuiltRef: string;
  /** The LABELs of each seeded ref that has some (base, app, multi, rebuilt, labeled). */
  labels: Record<string, Record<string, string>>;
  /** A container made with `docker create` (never started) that keeps `image` in use, on every engine. */
  container: { name: string; image: string };
  /** Per-engine ids. */
  engines: Record<EngineName, EngineSeed>;
  /** Pushed from alpha to the sandbox registry (after `docker login`); null when not seeded. */
  pushed: {
    engine: EngineName;
    /** The local image that was tagged and pushed: 'hangar-test/app:1.0'. */
    sourceRef: string;
    /** '127.0.0.1:PORT/hangar-test/app:1.0' (this tag also stays on alpha). */
    ref: string;
    repository: string;
    tag: string;
    /** Manifest digest reported by `docker push`. */
    digest: string;
  } | null;
}

export interface SandboxInfo {
  dir: string;
  /** redis://127.0.0.1:PORT */
  redisUrl: string;
  engines: Record<EngineName, EngineInfo>;
  registry: RegistryInfo;
  seed: SeedInfo;
  /** sshd on 127.0.0.1 whose sessions reach `ssh.target` (alpha): the SSH host is that engine. */
  ssh: SshInfo;
  /** Keys: 'redis', 'registry', 'sshd', 'containerd-<engine>', 'dockerd-<engine>' (absent while that engine is stopped). */
  pids: Record<string, number>;
}

export interface StartSandboxOptions {
  /** Default: a new `/tmp/hs-<6 chars>` (unix socket paths must stay short). Created when missing. */
  dir?: string;
  /** Where the registry sends notifications. Default `http://127.0.0.1:<free port>/webhooks/registry`. */
  webhookUrl?: string;
  /** Seed images on every engine. Default true. */
  seed?: boolean;
  /** Progress lines. Default: silent. */
  log?: (line: string) => void;
  /** Run the daemons in their own sessions, unref'd, so they outlive this process (used by `cli up`). Default false. */
  detached?: boolean;
  /** Keep the directory (logs) when startSandbox fails; processes are still stopped. Default false, or
   * env HANGAR_SANDBOX_KEEP_FAILED=1. */
  keepOnFailure?: boolean;
}
