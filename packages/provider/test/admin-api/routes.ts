/**
 * Every route of the admin API with a request that is valid for it (the fixture's names), so the
 * authorization matrix and the OpenAPI coverage test run over the same list. `path` is the OpenAPI
 * template; `url` the concrete one.
 */
export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly url: string;
  readonly body?: unknown;
}

export const ROUTES: readonly RouteCase[] = [
  { method: 'GET', path: '/clients', url: '/clients' },
  {
    method: 'POST',
    path: '/clients',
    url: '/clients',
    body: { name: 'New app', redirectUris: ['https://new.example/cb'] },
  },
  { method: 'GET', path: '/clients/{clientId}', url: '/clients/admin-robot' },
  { method: 'PATCH', path: '/clients/{clientId}', url: '/clients/admin-robot', body: { name: 'Renamed' } },
  { method: 'DELETE', path: '/clients/{clientId}', url: '/clients/admin-robot' },
  { method: 'POST', path: '/clients/{clientId}/secret', url: '/clients/admin-robot/secret', body: {} },
  { method: 'POST', path: '/clients/{clientId}/disable', url: '/clients/admin-robot/disable' },
  { method: 'POST', path: '/clients/{clientId}/enable', url: '/clients/admin-robot/enable' },
  { method: 'GET', path: '/users', url: '/users' },
  { method: 'POST', path: '/users', url: '/users', body: { username: 'dave' } },
  { method: 'GET', path: '/users/{username}', url: '/users/carol' },
  { method: 'PATCH', path: '/users/{username}', url: '/users/carol', body: { email: 'c@example.com' } },
  { method: 'DELETE', path: '/users/{username}', url: '/users/carol' },
  { method: 'POST', path: '/users/{username}/disable', url: '/users/carol/disable' },
  { method: 'POST', path: '/users/{username}/enable', url: '/users/carol/enable' },
  {
    method: 'PUT',
    path: '/users/{username}/password',
    url: '/users/carol/password',
    body: { password: 'correct horse battery staple' },
  },
  { method: 'GET', path: '/users/{username}/sessions', url: '/users/carol/sessions' },
  { method: 'DELETE', path: '/users/{username}/sessions', url: '/users/carol/sessions' },
  { method: 'DELETE', path: '/users/{username}/sessions/{sid}', url: '/users/carol/sessions/sid-1' },
  { method: 'GET', path: '/users/{username}/consents', url: '/users/carol/consents' },
  {
    method: 'DELETE',
    path: '/users/{username}/consents/{clientId}',
    url: '/users/carol/consents/admin-robot',
  },
  { method: 'GET', path: '/groups', url: '/groups' },
  { method: 'POST', path: '/groups', url: '/groups', body: { name: 'editors' } },
  { method: 'GET', path: '/groups/{name}', url: '/groups/editors' },
  { method: 'DELETE', path: '/groups/{name}', url: '/groups/editors' },
  { method: 'PUT', path: '/groups/{name}/members/{username}', url: '/groups/editors/members/bob' },
  {
    method: 'DELETE',
    path: '/groups/{name}/members/{username}',
    url: '/groups/editors/members/bob',
  },
  { method: 'GET', path: '/keys', url: '/keys' },
  { method: 'POST', path: '/keys/rotate', url: '/keys/rotate', body: { ignorePublicationDelay: true } },
  { method: 'GET', path: '/audit-events', url: '/audit-events' },
  { method: 'GET', path: '/settings', url: '/settings' },
  {
    method: 'PATCH',
    path: '/settings',
    url: '/settings',
    body: { 'tokens.accessTokenLifetime': '5m', 'selfRegistration.enabled': null },
  },
  { method: 'DELETE', path: '/settings/{name}', url: '/settings/tokens.accessTokenLifetime' },
];
