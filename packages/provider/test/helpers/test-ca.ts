import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The test CA's certificate (PEM): trust it, and only in the test. */
  readonly ca: string;
  /** A server certificate for `localhost`, `rebind.test`, `cimd.test`, 127.0.0.1 and ::1, signed by the CA. */
  readonly cert: string;
  readonly key: string;
}

let made: TestCertificates | undefined;

/**
 * A throwaway CA and a loopback server certificate, made with the openssl command once per process:
 * the guarded fetcher only speaks https, so tests serve documents over TLS and trust this CA.
 */
export function testCertificates(): TestCertificates {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Latchkey test CA',
    );
    run(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    );
    writeFileSync(
      join(dir, 'ext.cnf'),
      'subjectAltName=DNS:localhost,DNS:rebind.test,DNS:cimd.test,IP:127.0.0.1,IP:::1\n',
    );
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    made = {
      ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
      key: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
