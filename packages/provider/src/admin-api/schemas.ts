import { type TSchema, Type } from 'typebox';
import { RUNTIME_SETTINGS, type RuntimeSetting, type RuntimeSettingKind } from '../settings/table.js';

/**
 * The admin API's shapes, declared once in TypeBox: they validate requests (validator.ts) and are the
 * OpenAPI document (@fastify/swagger reads the same route schemas). Every object refuses unknown
 * members (additionalProperties: false), so a typo is an error, never silently ignored. What the
 * service layer checks (URIs, grant types, passwords) is left to it: one validation, not two.
 */
const strict = { additionalProperties: false } as const;

const Text = (options: { maxLength?: number; description?: string } = {}) =>
  Type.String({
    minLength: 1,
    maxLength: options.maxLength ?? 2000,
    ...(options.description ? { description: options.description } : {}),
  });
const TextList = (description: string) => Type.Array(Text(), { maxItems: 100, description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ListChange = Type.Object(
  {
    set: Type.Optional(TextList('replace the list with these values')),
    add: Type.Optional(TextList('values to add')),
    remove: Type.Optional(TextList('values to remove (each must be there)')),
  },
  { ...strict, description: 'A change to a list: set it, or add and remove values' },
);

const AuthMethod = Type.Union([
  Type.Literal('client_secret_basic'),
  Type.Literal('client_secret_post'),
  Type.Literal('private_key_jwt'),
  Type.Literal('workload_identity_jwt'),
  Type.Literal('none'),
]);

export const Client = Type.Object(
  {
    clientId: Type.String(),
    name: Type.String(),
    type: Type.Union([Type.Literal('confidential'), Type.Literal('public')]),
    redirectUris: Type.Array(Type.String()),
    postLogoutRedirectUris: Type.Array(Type.String()),
    grantTypes: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    tokenEndpointAuthMethod: Type.String(),
    idTokenSignedResponseAlg: Type.String(),
    jwks: Nullable(Type.Object({}, { additionalProperties: true })),
    jwksUri: Nullable(Type.String()),
    allowedResources: Type.Array(Type.String()),
    backchannelLogoutUri: Nullable(Type.String()),
    disabled: Type.Boolean(),
    hasSecret: Type.Boolean({ description: 'whether it authenticates with a secret (never shown again)' }),
    previousSecretExpiresAt: Nullable(
      Type.Integer({ description: 'until when a rotated-out secret still works' }),
    ),
    createdAt: Type.Integer(),
    updatedAt: Type.Integer(),
  },
  strict,
);

export const CreateClient = Type.Object(
  {
    name: Text({ maxLength: 200 }),
    clientId: Type.Optional(Text({ maxLength: 255 })),
    public: Type.Optional(Type.Boolean()),
    redirectUris: Type.Optional(TextList('redirect URIs')),
    postLogoutRedirectUris: Type.Optional(TextList('post-logout redirect URIs')),
    grantTypes: Type.Optional(TextList('grant types, default authorization_code')),
    scopes: Type.Optional(TextList('scopes, default openid')),
    tokenEndpointAuthMethod: Type.Optional(AuthMethod),
    idTokenSignedResponseAlg: Type.Optional(Text({ maxLength: 10 })),
    jwks: Type.Optional(
      Type.Object(
        { keys: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 20 }) },
        strict,
      ),
    ),
    jwksUri: Type.Optional(Text()),
    allowedResources: Type.Optional(TextList('RFC 8707 resources the client may ask tokens for')),
    backchannelLogoutUri: Type.Optional(Text()),
  },
  strict,
);

export const UpdateClient = Type.Object(
  {
    name: Type.Optional(Text({ maxLength: 200 })),
    redirectUris: Type.Optional(ListChange),
    postLogoutRedirectUris: Type.Optional(ListChange),
    grantTypes: Type.Optional(ListChange),
    scopes: Type.Optional(ListChange),
    allowedResources: Type.Optional(ListChange),
    tokenEndpointAuthMethod: Type.Optional(AuthMethod),
    idTokenSignedResponseAlg: Type.Optional(Text({ maxLength: 10 })),
    backchannelLogoutUri: Type.Optional(Nullable(Text())),
    jwksUri: Type.Optional(Nullable(Text())),
  },
  strict,
);

export const ClientWithSecret = Type.Object(
  {
    client: Client,
    clientSecret: Nullable(Type.String({ description: 'shown once; stored only as a hash' })),
  },
  strict,
);

export const RotateSecret = Type.Object(
  {
    keepOldFor: Type.Optional(
      Type.Integer({ minimum: 0, description: 'seconds the old secret keeps working (at most 30 days)' }),
    ),
  },
  strict,
);

export const RotatedSecret = Type.Object(
  {
    clientSecret: Type.String({ description: 'shown once; stored only as a hash' }),
    oldSecretExpiresAt: Nullable(Type.Integer()),
  },
  strict,
);

export const User = Type.Object(
  {
    id: Type.String({ description: 'the subject identifier (sub)' }),
    username: Type.String(),
    email: Nullable(Type.String()),
    emailVerified: Type.Boolean(),
    profile: Type.Object({}, { additionalProperties: true }),
    hasPassword: Type.Boolean(),
    disabled: Type.Boolean(),
    createdAt: Type.Integer(),
    updatedAt: Type.Integer(),
  },
  strict,
);

export const UserWithGroups = Type.Object({ user: User, groups: Type.Array(Type.String()) }, strict);

const Profile = Type.Object(
  {},
  { additionalProperties: true, description: 'OIDC Core §5.1 claims; null removes one' },
);

export const CreateUser = Type.Object(
  {
    username: Text({ maxLength: 64 }),
    email: Type.Optional(Text({ maxLength: 254 })),
    emailVerified: Type.Optional(Type.Boolean()),
    name: Type.Optional(Text({ maxLength: 200 })),
    profile: Type.Optional(Profile),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'checked against the password policy' }),
    ),
    id: Type.Optional(Text({ maxLength: 255 })),
    admin: Type.Optional(Type.Boolean({ description: 'joins latchkey-admins' })),
  },
  strict,
);

export const UpdateUser = Type.Object(
  {
    email: Type.Optional(Nullable(Text({ maxLength: 254 }))),
    emailVerified: Type.Optional(Type.Boolean()),
    profile: Type.Optional(Profile),
  },
  strict,
);

export const SetPassword = Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, strict);

export const Group = Type.Object(
  { name: Type.String(), createdAt: Type.Integer(), memberCount: Type.Integer() },
  strict,
);
export const GroupWithMembers = Type.Object(
  { name: Type.String(), createdAt: Type.Integer(), members: Type.Array(Type.String()) },
  strict,
);
export const CreateGroup = Type.Object({ name: Text({ maxLength: 64 }) }, strict);

export const Session = Type.Object(
  {
    sid: Type.String(),
    authTime: Type.Integer(),
    amr: Type.Array(Type.String()),
    acr: Nullable(Type.String()),
    createdAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
    expiresAt: Type.Integer(),
  },
  strict,
);

export const Consent = Type.Object(
  {
    clientId: Type.String(),
    scopes: Type.Array(Type.String()),
    claims: Type.Array(Type.String()),
    grantedAt: Type.Integer(),
  },
  strict,
);

export const SigningKey = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    state: Type.Union([
      Type.Literal('next'),
      Type.Literal('current'),
      Type.Literal('retired'),
      Type.Literal('removed'),
    ]),
    createdAt: Type.Integer(),
    activatedAt: Nullable(Type.Integer()),
    retiredAt: Nullable(Type.Integer()),
    nextEventAt: Nullable(Type.Integer()),
  },
  strict,
);

export const RotateKeys = Type.Object(
  {
    algorithms: Type.Optional(Type.Array(Text({ maxLength: 10 }), { maxItems: 10 })),
    ignorePublicationDelay: Type.Optional(
      Type.Boolean({ description: 'emergency only: sign with a next key verifiers may not have cached yet' }),
    ),
  },
  strict,
);

export const AuditEvent = Type.Object(
  {
    id: Type.Integer(),
    type: Type.String(),
    at: Type.Integer(),
    userId: Nullable(Type.String()),
    clientId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    details: Type.Object({}, { additionalProperties: true }),
  },
  strict,
);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Nullable(
        Type.String({ description: 'pass as cursor for the next page; null on the last' }),
      ),
    },
    strict,
  );

const PageParams = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
};

export const ListQuery = Type.Object(
  {
    ...PageParams,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'prefix search' })),
  },
  strict,
);
export const UserListQuery = Type.Object(
  {
    ...PageParams,
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'prefix of username or email' }),
    ),
    disabled: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const AuditQuery = Type.Object(
  {
    ...PageParams,
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch seconds, inclusive' })),
    until: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch seconds, inclusive' })),
  },
  strict,
);

/** The query of a route that takes none: an unknown parameter is an error there too. */
export const NoQuery = Type.Object({}, strict);

const Param = Type.String({ minLength: 1, maxLength: 255 });
export const ClientParams = Type.Object({ clientId: Param }, strict);
export const UserParams = Type.Object({ username: Param }, strict);
export const GroupParams = Type.Object({ name: Param }, strict);
export const MemberParams = Type.Object({ name: Param, username: Param }, strict);
export const SessionParams = Type.Object({ username: Param, sid: Param }, strict);
export const ConsentParams = Type.Object({ username: Param, clientId: Param }, strict);

export const SettingParams = Type.Object({ name: Param }, strict);

/**
 * A runtime setting's value as sent: the range is the configuration parser's to check (one validation);
 * a text's length bound is its schema's (an empty text is the parser's to refuse or allow).
 */
const SETTING_INPUT: Readonly<Record<RuntimeSettingKind, (setting: RuntimeSetting) => TSchema>> = {
  duration: () =>
    Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1, maxLength: 20 })], {
      description: "seconds, or like '15m', '1h', '30d'",
    }),
  integer: () => Type.Integer(),
  boolean: () => Type.Boolean(),
  text: (setting) =>
    Type.String({ maxLength: (setting.field.schema as { maxLength?: number }).maxLength ?? 200 }),
};

/** One member per runtime setting (settings/table.ts); null removes the override (back to the configured value). */
export const ChangeSettings = Type.Object(
  Object.fromEntries(
    RUNTIME_SETTINGS.map((s) => [
      s.name,
      Type.Optional(Nullable({ ...SETTING_INPUT[s.kind](s), description: s.description })),
    ]),
  ),
  {
    ...strict,
    minProperties: 1,
    description:
      'Settings to change, by configuration key (RFC 7396 merge patch: null removes an override). Keys read only at start are refused, naming the key.',
  },
);

const SettingValue = Type.Union([Type.Integer(), Type.Boolean(), Type.String()]);

export const Setting = Type.Object(
  {
    name: Type.String({ description: 'the configuration key' }),
    kind: Type.Union([
      Type.Literal('duration'),
      Type.Literal('integer'),
      Type.Literal('boolean'),
      Type.Literal('text'),
    ]),
    description: Type.String(),
    value: Type.Union([SettingValue, Type.Null()], {
      description: 'the effective value (durations in seconds); null: an optional setting left unset',
    }),
    configured: Type.Union([SettingValue, Type.Null()], {
      description: 'the value configuration gives; null: unset',
    }),
    source: Type.Union([Type.Literal('config'), Type.Literal('override')]),
    changedAt: Nullable(Type.Integer({ description: 'when the override was set (epoch seconds)' })),
    changedBy: Nullable(Type.Object({ type: Type.String(), id: Type.String() }, strict)),
  },
  strict,
);

export const Settings = Type.Object(
  {
    revision: Type.Integer({ description: 'goes up with every change, on any instance' }),
    settings: Type.Array(Setting),
    ignored: Type.Array(Type.Object({ name: Type.String(), problem: Type.String() }, strict), {
      description: 'stored overrides the current configuration no longer allows (not applied)',
    }),
  },
  strict,
);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'RFC 9457 problem details' },
);
