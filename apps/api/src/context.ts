import type { HostRegistry } from '@hangar/core';
import type { Principal } from './auth/token-store.js';

/** What every resolver gets: the caller and the services it may call. */
export interface HangarContext {
  principal: Principal;
  hosts: HostRegistry;
}
