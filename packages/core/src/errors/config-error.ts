import { HangarError } from './hangar-error.js';

/** A configuration that cannot be used: the message names the key (`hosts[1].tls.cert`) and what is wrong. */
export class ConfigError extends HangarError {
  constructor(
    readonly key: string,
    problem: string,
    readonly source = 'config',
  ) {
    super('CONFIG_ERROR', `${source}: ${key ? `${key}: ` : ''}${problem}`);
  }
}
