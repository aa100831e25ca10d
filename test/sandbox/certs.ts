/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl (EC P-256). */
import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { run } from '@hangar/system';

export interface TlsFiles {
  /** Directory with ca.pem, server.pem, server-key.pem (dockerd side). */
  serverDir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem (client side). */
  clientDir: string;
  clientCa: string;
  clientCert: string;
  clientKey: string;
}

export function tlsPaths(dir: string): TlsFiles {
  const serverDir = join(dir, 'tls');
  const clientDir = join(dir, 'client');
  return {
    serverDir,
    ca: join(serverDir, 'ca.pem'),
    serverCert: join(serverDir, 'server.pem'),
    serverKey: join(serverDir, 'server-key.pem'),
    clientDir,
    clientCa: join(clientDir, 'ca.pem'),
    clientCert: join(clientDir, 'cert.pem'),
    clientKey: join(clientDir, 'key.pem'),
  };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const serial = () => `0x${randomBytes(12).toString('hex')}`;

/** Makes the CA and both certificates under `dir` (tls/ and client/). */
export async function makeTls(dir: string): Promise<TlsFiles> {
  const files = tlsPaths(dir);
  await mkdir(files.serverDir, { recursive: true });
  await mkdir(files.clientDir, { recursive: true });
  const caKey = join(files.serverDir, 'ca-key.pem');
  const opts = { timeoutMs: 30_000 };

  await run(
    'openssl',
    ['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', files.ca, '-days', '30', '-subj', '/CN=hangar sandbox CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    opts,
  );

  const sign = async (name: string, subject: string, extensions: string, key: string, cert: string) => {
    const csr = join(files.serverDir, `${name}.csr`);
    const ext = join(files.serverDir, `${name}.ext`);
    await writeFile(ext, extensions);
    await run('openssl', ['req', '-new', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', subject], opts);
    await run(
      'openssl',
      ['x509', '-req', '-in', csr, '-CA', files.ca, '-CAkey', caKey, '-set_serial', serial(), '-days', '30', '-extfile', ext, '-out', cert],
      opts,
    );
    await rm(csr, { force: true });
    await rm(ext, { force: true });
    await chmod(key, 0o600);
  };

  await Promise.all([
    sign(
      'server',
      '/CN=127.0.0.1',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
      files.serverKey,
      files.serverCert,
    ),
    sign(
      'client',
      '/CN=hangar-sandbox-client',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
      files.clientKey,
      files.clientCert,
    ),
  ]);
  await copyFile(files.ca, files.clientCa);
  await chmod(caKey, 0o600);
  return files;
}
