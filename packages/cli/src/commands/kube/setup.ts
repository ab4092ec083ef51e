import { optionalString, requireString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';

/**
 * `latchkey kube setup`: what a cluster needs to accept Latchkey sign-ins. Prints two YAML documents
 * (written as JSON, which YAML includes): the kube-apiserver `AuthenticationConfiguration`
 * (apiserver.config.k8s.io/v1, structured authentication, stable in Kubernetes 1.34) for
 * `--authentication-config`, and the kubeconfig `users` entry that runs `latchkey kube credential`.
 */
export function kubeSetupDocuments(options: {
  issuer: string;
  clientId: string;
  usernameClaim: string;
  groupsClaim: string | undefined;
  prefix: string;
  userName: string;
}): { authenticationConfiguration: unknown; kubeconfigUser: unknown } {
  const { issuer, clientId, usernameClaim, groupsClaim, prefix } = options;
  const authenticationConfiguration = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: issuer, audiences: [clientId], audienceMatchPolicy: 'MatchAny' },
        // An email is a username only once the provider has verified it.
        ...(usernameClaim === 'email'
          ? {
              claimValidationRules: [
                {
                  expression: 'claims.?email_verified.orValue(false) == true',
                  message: 'the email must be verified',
                },
              ],
            }
          : {}),
        claimMappings: {
          username: { claim: usernameClaim, prefix },
          ...(groupsClaim === undefined ? {} : { groups: { claim: groupsClaim, prefix } }),
        },
      },
    ],
  };
  const kubeconfigUser = {
    users: [
      {
        name: options.userName,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'latchkey',
            args: ['kube', 'credential', '--issuer', issuer, '--client-id', clientId],
            interactiveMode: 'IfAvailable',
            provideClusterInfo: false,
          },
        },
      },
    ],
  };
  return { authenticationConfiguration, kubeconfigUser };
}

export const kubeSetup: Command = {
  path: ['kube', 'setup'],
  summary: 'Print the kube-apiserver AuthenticationConfiguration and the kubeconfig user for a client',
  options: {
    issuer: { type: 'string', valueName: 'URL', description: 'the issuer (required)' },
    'client-id': {
      type: 'string',
      valueName: 'ID',
      description: 'the public client of the cluster (required)',
    },
    'username-claim': {
      type: 'string',
      valueName: 'CLAIM',
      description: 'claim for the username (default email)',
    },
    'groups-claim': {
      type: 'string',
      valueName: 'CLAIM',
      description: 'claim for the groups (default: none)',
    },
    prefix: {
      type: 'string',
      valueName: 'P',
      description: 'prefix of usernames and groups (default "oidc:")',
    },
    user: {
      type: 'string',
      valueName: 'NAME',
      description: 'kubeconfig user name (default latchkey-CLIENT)',
    },
  },
  async run(values, _positionals, io) {
    const issuer = requireString(values, 'issuer');
    if (!URL.canParse(issuer) || !['https:', 'http:'].includes(new URL(issuer).protocol)) {
      throw new UsageError(`--issuer: ${issuer} is not an http(s) URL`);
    }
    const clientId = requireString(values, 'client-id');
    const documents = kubeSetupDocuments({
      issuer,
      clientId,
      usernameClaim: optionalString(values, 'username-claim') ?? 'email',
      groupsClaim: optionalString(values, 'groups-claim'),
      prefix: optionalString(values, 'prefix') ?? 'oidc:',
      userName: optionalString(values, 'user') ?? `latchkey-${clientId}`,
    });
    println(io.stdout, '# kube-apiserver --authentication-config=<this document>');
    println(io.stdout, JSON.stringify(documents.authenticationConfiguration, null, 2));
    println(io.stdout, '---');
    println(io.stdout, '# kubeconfig: the user entry (kubectl config set-context … --user <name>)');
    println(io.stdout, JSON.stringify(documents.kubeconfigUser, null, 2));
    return 0;
  },
};
