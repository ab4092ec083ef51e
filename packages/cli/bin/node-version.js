// Whether a Node version meets a package's `engines.node`, written `>=MAJOR.MINOR` (the one form Latchkey
// uses). Plain JavaScript with no imports: it runs on the too-old Node it refuses, both here (the
// latchkey command) and in scripts/supported-node.mjs (CI and the test runner).

/** [major, minor] of an engines range `>=MAJOR.MINOR`; throws on any other form. */
export function minimumOf(range) {
  const match = /^>=\s*(\d+)\.(\d+)(?:\.\d+)?$/.exec(String(range).trim());
  if (!match) throw new Error(`engines.node ${JSON.stringify(range)} is not of the form >=MAJOR.MINOR`);
  return [Number(match[1]), Number(match[2])];
}

/** True when `version` (`v22.12.0` or `22.12.0`) is at least `minimum` ([major, minor]). */
export function meetsMinimum(version, [major, minor]) {
  const [m, n] = String(version).replace(/^v/, '').split('.').map(Number);
  return m > major || (m === major && n >= minor);
}
