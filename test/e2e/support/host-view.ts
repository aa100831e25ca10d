/** A host as the end-to-end tests read it from `hosts` / `host(name)`. */
export interface HostView {
  name: string;
  endpoint: string;
  status: 'UP' | 'DOWN';
  error: string | null;
  errorCode: string | null;
  labels?: { key: string; value: string }[];
  engine: null | {
    version: string;
    apiVersion: string;
    maxApiVersion: string;
    os: string;
    arch: string;
    kernelVersion: string | null;
    storageDriver: string | null;
    images: number;
    containers: number;
    cpus: number;
    memory: number;
  };
}

/** The selection that fills a HostView. */
export const HOST_FIELDS = `name endpoint status error errorCode labels { key value }
  engine { version apiVersion maxApiVersion os arch kernelVersion storageDriver images containers cpus memory }`;
