/**
 * The `client.authentication.k8s.io/v1` ExecCredential a kubectl exec plugin prints on stdout
 * (Kubernetes "client-go credential plugins"): the bearer token and when it expires, so kubectl caches
 * it until then and runs the plugin again after.
 */
export interface ExecCredential {
  readonly apiVersion: 'client.authentication.k8s.io/v1';
  readonly kind: 'ExecCredential';
  readonly status: { readonly token: string; readonly expirationTimestamp: string };
}

/** `expiresAt` in epoch seconds; RFC 3339 in UTC without fractions, as Kubernetes writes times. */
export function execCredential(token: string, expiresAt: number): ExecCredential {
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      token,
      expirationTimestamp: new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}
