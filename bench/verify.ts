/**
 * JWT verification and signing throughput, per CPU-second, in one process:
 * raw node:crypto on pre-decoded buffers (the limit), @latchkey/oidc, jose and fast-jwt (cache off).
 *
 * Every contestant does the full job a resource server does: signature, `alg` allow-list, `iss`,
 * `aud`, `exp` (and `typ` where the library supports it) with a key already imported and cached.
 *
 *   npm run bench:verify
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import {
  createVerifier,
  exportJwk,
  importKeyObject,
  type JwsAlgorithm,
  signJwt,
  verifyJwt,
} from '@latchkey/oidc';
import { createVerifier as createFastJwtVerifier, createSigner } from 'fast-jwt';
import { jwtVerify, SignJWT } from 'jose';
import { type Contestant, compare, table } from './lib/measure.js';

type BenchAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
const ALGS: readonly BenchAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const ISSUER = 'https://id.example.com';
const AUDIENCE = 'https://api.example.com';

interface Fixture {
  alg: BenchAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
  /** What node:crypto needs besides the key for this algorithm. */
  cryptoOptions: { digest: string | null; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };
}

function fixture(alg: BenchAlg): Fixture {
  // PEM first, then re-import: exporting straight from a fresh RSA KeyObject can deadlock on Node 20.
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', {
          namedCurve: 'P-256',
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519', {
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
            publicKeyEncoding: { type: 'spki', format: 'pem' },
          })
        : generateKeyPairSync('rsa', {
            modulusLength: 2048,
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
            publicKeyEncoding: { type: 'spki', format: 'pem' },
          });
  const cryptoOptions: Fixture['cryptoOptions'] =
    alg === 'ES256'
      ? { digest: 'sha256', dsaEncoding: 'ieee-p1363' }
      : alg === 'EdDSA'
        ? { digest: null }
        : alg === 'PS256'
          ? { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
          : { digest: 'sha256', padding: constants.RSA_PKCS1_PADDING };
  return {
    alg,
    privateKey: createPrivateKey(pair.privateKey),
    publicKey: createPublicKey(pair.publicKey),
    privatePem: pair.privateKey,
    publicPem: pair.publicKey,
    cryptoOptions,
  };
}

/** A fetch that answers the issuer's discovery document and `jwks` from memory. */
function inMemoryProvider(jwks: object): typeof fetch {
  const documents = new Map<string, object>([
    [`${ISSUER}/.well-known/openid-configuration`, { issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` }],
    [`${ISSUER}/jwks`, jwks],
  ]);
  return async (input) => {
    const body = documents.get(String(input instanceof Request ? input.url : input));
    if (body === undefined) return new Response('not found', { status: 404 });
    return Response.json(body, { headers: { 'cache-control': 'max-age=3600' } });
  };
}

function claims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: 'user-3f6a1c2e',
    aud: AUDIENCE,
    client_id: 'client-8d2e',
    scope: 'openid profile email read:orders',
    jti: 'b9c1e7a0-55d3-4f2e-9a61-0d6f1c4b2a77',
    iat: now,
    exp: now + 3600,
  };
}

async function verifyRow(f: Fixture) {
  const token = await new SignJWT(claims())
    .setProtectedHeader({ alg: f.alg, typ: 'at+jwt', kid: 'k1' })
    .sign(f.privateKey);
  const [h, p, s] = token.split('.') as [string, string, string];
  const signingInput = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const { digest, ...rest } = f.cryptoOptions;
  const rawKey = { key: f.publicKey, ...rest };

  const ours = importKeyObject(f.publicKey, f.alg as JwsAlgorithm, { kid: 'k1' });
  const ourOptions = {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [f.alg as JwsAlgorithm],
    typ: 'at+jwt',
  };
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [f.alg], typ: 'at+jwt' };
  // The same library through createVerifier: discovery and the JWKS served from memory (fetched
  // once, before timing), so each token resolves its key synchronously from the RemoteKeySet.
  const remote = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [f.alg as JwsAlgorithm],
    typ: 'at+jwt',
    fetch: inMemoryProvider({ keys: [exportJwk(ours)] }),
  });
  const fastJwt = createFastJwtVerifier({
    key: f.publicPem,
    algorithms: [f.alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    cache: false,
  });

  // Every contestant must accept the token before it is timed.
  if (!cryptoVerify(digest, signingInput, rawKey, signature)) throw new Error('raw verify failed');
  await verifyJwt(token, ours, ourOptions);
  await remote.verify(token);
  await jwtVerify(token, f.publicKey, joseOptions);
  fastJwt(token);

  const contestants: Contestant[] = [
    { name: 'crypto.verify (raw)', run: () => cryptoVerify(digest, signingInput, rawKey, signature) },
    // The least any verifier that returns claims adds to raw: decode the claims set and parse it.
    {
      name: 'raw + claims parse',
      run: () =>
        cryptoVerify(digest, signingInput, rawKey, signature) &&
        JSON.parse(Buffer.from(p, 'base64url').toString()),
    },
    { name: '@latchkey/oidc', run: () => verifyJwt(token, ours, ourOptions) },
    { name: 'jose', run: () => jwtVerify(token, f.publicKey, joseOptions) },
    { name: 'fast-jwt', run: () => fastJwt(token) },
    { name: 'createVerifier', run: () => remote.verify(token) },
  ];
  return { label: f.alg, results: await compare(contestants) };
}

async function signRow(f: Fixture) {
  const payload = claims();
  const { digest, ...rest } = f.cryptoOptions;
  const rawKey = { key: f.privateKey, ...rest };
  const signingInput = Buffer.from(
    `${Buffer.from(JSON.stringify({ alg: f.alg, typ: 'at+jwt', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`,
  );
  const ours = importKeyObject(f.privateKey, f.alg as JwsAlgorithm, { kid: 'k1' });
  const fastJwt = createSigner({
    key: f.privatePem,
    algorithm: f.alg,
    kid: 'k1',
    header: { alg: f.alg, typ: 'at+jwt' },
  });
  const joseHeader = { alg: f.alg, typ: 'at+jwt', kid: 'k1' };

  const contestants: Contestant[] = [
    { name: 'crypto.sign (raw)', run: () => cryptoSign(digest, signingInput, rawKey) },
    { name: '@latchkey/oidc', run: () => signJwt(payload, ours, { typ: 'at+jwt' }) },
    { name: 'jose', run: () => new SignJWT(payload).setProtectedHeader(joseHeader).sign(f.privateKey) },
    { name: 'fast-jwt', run: () => fastJwt(payload) },
  ];
  return { label: f.alg, results: await compare(contestants) };
}

async function main() {
  const only = process.argv.slice(2).filter((a) => ALGS.includes(a as BenchAlg)) as BenchAlg[];
  const fixtures = (only.length > 0 ? only : ALGS).map(fixture);
  console.log(
    `# JWT verification: full check (signature, alg, iss, aud, exp${''}, typ where supported), cached key`,
  );
  console.log(
    `Node ${process.version}, ${process.platform}/${process.arch}; ops per CPU-second, contestants in turns of 20 ms slices, one process.\n`,
  );
  const verifyRows = [];
  for (const f of fixtures) verifyRows.push(await verifyRow(f));
  console.log(table(verifyRows, 'crypto.verify (raw)', '@latchkey/oidc'));
  console.log('\n# JWT signing: claims → compact JWS, cached key\n');
  const signRows = [];
  for (const f of fixtures) signRows.push(await signRow(f));
  console.log(table(signRows, 'crypto.sign (raw)', '@latchkey/oidc'));
  console.log(
    '\nfast-jwt runs with its cache off and does not check `typ`; jose and @latchkey/oidc require typ at+jwt.',
  );
  console.log(
    'createVerifier is @latchkey/oidc through discovery and a RemoteKeySet whose keys are cached (fetched before timing).',
  );
  console.log(
    'raw + claims parse is crypto.verify on pre-decoded buffers plus base64url-decoding and JSON.parse of the claims set, with no check at all: a bound no verifier that returns claims can pass.',
  );
}

await main();
