import type { HangarConfig, HostRegistry } from '@hangar/core';
import { Router } from 'express';
import type { AuditLog } from '../audit/audit-log.js';

export interface ArchiveRouteDeps {
  hosts: HostRegistry;
  audit: AuditLog;
  config: HangarConfig;
  log: (line: string) => void;
}

/** Tar streams in and out of engines: export (docker save), load (docker load), import (docker import). */
export function archiveRoutes(_deps: ArchiveRouteDeps): Router {
  const router = Router();
  return router;
}
