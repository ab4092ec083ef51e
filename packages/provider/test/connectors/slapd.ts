import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../test/helpers/free-port.js';

export const SUFFIX = 'dc=example,dc=org';
export const SERVICE = { dn: `cn=latchkey,${SUFFIX}`, password: 'service-account-secret' };

/**
 * A real OpenLDAP server (Debian `slapd`) for one test file: its own config, database and test CA in a
 * temp dir, on free loopback ports (ldap:// with StartTLS, and ldaps://), never the machine's slapd.
 * People: alice (group engineers), bob (disabled: employeeType=disabled), carol (no group).
 */
export class Slapd {
  readonly dir = mkdtempSync(join(tmpdir(), 'latchkey-slapd-'));
  url = '';
  ldapsUrl = '';
  caFile = join(this.dir, 'ca.pem');
  private process: ChildProcess | undefined;

  async start(): Promise<this> {
    const [port, tlsPort] = [await freePort(), await freePort()];
    this.url = `ldap://127.0.0.1:${port}`;
    this.ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
    this.makeCertificates();
    mkdirSync(join(this.dir, 'data'));
    writeFileSync(join(this.dir, 'slapd.conf'), this.config());
    this.process = spawn(
      '/usr/sbin/slapd',
      ['-f', join(this.dir, 'slapd.conf'), '-h', `${this.url}/ ${this.ldapsUrl}/`, '-d', '0'],
      {
        stdio: 'ignore',
      },
    );
    await this.waitUntilUp();
    execFileSync('ldapadd', ['-x', '-H', this.url, '-D', `cn=admin,${SUFFIX}`, '-w', 'admin-secret'], {
      input: ENTRIES,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    return this;
  }

  /** Stops this test's slapd (by its own process id) and removes its directory. */
  async stop(): Promise<void> {
    const child = this.process;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilUp(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ldapsearch', ['-x', '-H', this.url, '-b', '', '-s', 'base', 'namingContexts'], {
          stdio: 'ignore',
        });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('slapd did not start');
  }

  private makeCertificates(): void {
    const at = (name: string) => join(this.dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Latchkey Test CA',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
    );
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
    );
    writeFileSync(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl(
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      at('ext.cnf'),
      '-out',
      at('server.pem'),
    );
  }

  private config(): string {
    return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${join(this.dir, 'slapd.pid')}
argsfile ${join(this.dir, 'slapd.args')}
TLSCACertificateFile ${this.caFile}
TLSCertificateFile ${join(this.dir, 'server.pem')}
TLSCertificateKeyFile ${join(this.dir, 'server.key')}
# A permissive server, as some are: a DN with an empty password binds as anonymous and "succeeds".
# Latchkey must refuse an empty password before it ever binds (X3, RFC 4513 §5.1.2).
allow bind_anon_cred
database mdb
suffix "${SUFFIX}"
rootdn "cn=admin,${SUFFIX}"
rootpw admin-secret
directory ${join(this.dir, 'data')}
overlay memberof
`;
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }
}

const ENTRIES = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ${SERVICE.dn}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: latchkey
userPassword: ${SERVICE.password}

dn: uid=alice,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: alice
cn: Alice Directory
givenName: Alice
sn: Directory
mail: alice@dir.example
userPassword: alice-directory-pass

dn: uid=bob,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: bob
cn: Bob Disabled
sn: Disabled
employeeType: disabled
userPassword: bob-directory-pass

dn: uid=carol,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: carol
cn: Carol Directory
sn: Directory
userPassword: carol-directory-pass

dn: cn=engineers,ou=groups,${SUFFIX}
objectClass: groupOfNames
cn: engineers
member: uid=alice,ou=people,${SUFFIX}
`;
