import type { FastifyInstance } from 'fastify';
import { getClient } from '../../admin/clients/read.js';
import { listUserConsents, revokeUserConsent } from '../../admin/consents/consents.js';
import { AdminError, invalidInput } from '../../admin/errors.js';
import {
  ADMIN_GROUP,
  addGroupMember,
  groupsOfUser,
  listGroups,
  removeGroupMember,
} from '../../admin/groups/groups.js';
import { endUserSession, listUserSessions } from '../../admin/sessions/sessions.js';
import { createUser } from '../../admin/users/create.js';
import { getUserFactors, resetUserFactors } from '../../admin/users/factors.js';
import { pageUsers } from '../../admin/users/page.js';
import { setUserPassword } from '../../admin/users/password.js';
import { requireUser } from '../../admin/users/read.js';
import { disableUser, enableUser } from '../../admin/users/status.js';
import { updateUser } from '../../admin/users/update.js';
import type { RequestParams } from '../../lib/request-params.js';
import { DEFAULT_PASSWORD_POLICY } from '../../users/password-policy.js';
import { consoleAction, consoleGet, listQuery, noticeOf, param } from '../action.js';
import { type ConsoleContext, type SignedInAdmin, statusOf } from '../context.js';
import {
  EDITABLE_CLAIMS,
  type NewUserValues,
  newUserContent,
  USER_NOTICES,
  userDetailContent,
  userListContent,
  userPath,
} from '../pages/users.js';

/** Users: list and search, create, profile and email_verified, groups, disable, password, second factors, sessions, consents. */
export function registerUserPages(app: FastifyInstance, ctx: ConsoleContext): void {
  const { paths, stores } = ctx;
  const minLength = (ctx.admin.passwordPolicy ?? DEFAULT_PASSWORD_POLICY).minLength;

  consoleGet(app, ctx, paths.users, async (_request, reply, admin, query) => {
    const search = (query.get('q') ?? '').trim().slice(0, 200);
    // One page from the store, as the admin API reads it: never every user (issue 15, p50 ≤ 5 ms).
    const users = await pageUsers(stores, listQuery(search, query));
    return ctx.page(reply, admin, {
      title: 'Users',
      section: 'users',
      content: userListContent(paths, users, search),
      notice: noticeOf(query, { 'user-created': 'The user was created.' }),
    });
  });

  const empty: NewUserValues = { username: '', email: '', emailVerified: false, name: '', admin: false };
  consoleGet(app, ctx, paths.newUser, async (_request, reply, admin) =>
    ctx.page(reply, admin, {
      title: 'New user',
      section: 'users',
      content: newUserContent(paths, admin.session.csrf, empty, minLength),
    }),
  );

  consoleAction(
    app,
    ctx,
    paths.users,
    { fields: ['username', 'email', 'email_verified', 'name', 'password', 'admin'] },
    async (_request, reply, admin, input) => {
      const values: NewUserValues = {
        username: (input.get('username') ?? '').trim(),
        email: (input.get('email') ?? '').trim(),
        emailVerified: input.get('email_verified') === 'on',
        name: (input.get('name') ?? '').trim(),
        admin: input.get('admin') === 'on',
      };
      const password = input.get('password') ?? '';
      try {
        const user = await createUser(
          stores,
          {
            username: values.username,
            ...(values.email === '' ? {} : { email: values.email, emailVerified: values.emailVerified }),
            ...(values.name === '' ? {} : { name: values.name }),
            ...(password === '' ? {} : { password }),
            admin: values.admin,
          },
          ctx.options(admin),
        );
        return ctx.back(reply, userPath(paths, user.username), 'user-created');
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        return ctx.page(reply, admin, {
          title: 'New user',
          section: 'users',
          status: statusOf(error),
          error: error.message,
          content: newUserContent(paths, admin.session.csrf, values, minLength),
        });
      }
    },
  );

  consoleGet(app, ctx, `${paths.users}/:username`, async (request, reply, admin, query) => {
    const user = await requireUser(stores, param(request, 'username'));
    const options = ctx.options(admin);
    // The user read once above and handed to each (not looked up again by username), all at once.
    const [groups, all, sessions, consents, factors] = await Promise.all([
      groupsOfUser(stores, user),
      listGroups(stores),
      listUserSessions(stores, user, options),
      listUserConsents(stores, user),
      getUserFactors(stores, user),
    ]);
    const named = await Promise.all(
      consents.map(async (c) => ({
        ...c,
        clientName: (await getClient(stores, c.clientId))?.name ?? c.clientId,
      })),
    );
    return ctx.page(reply, admin, {
      title: user.username,
      section: 'users',
      notice: noticeOf(query, USER_NOTICES),
      content: userDetailContent(
        paths,
        admin.session.csrf,
        {
          user,
          groups,
          otherGroups: all.map((g) => g.name).filter((g) => !groups.includes(g)),
          sessions,
          consents: named,
          factors,
        },
        minLength,
      ),
    });
  });

  /** An admin cannot lock themselves out of the console by accident; another admin can do it. */
  const checkNotSelf = async (username: string, admin: SignedInAdmin, what: string) => {
    if ((await requireUser(stores, username)).id === admin.user.id) {
      throw invalidInput('username', `you cannot ${what} from the console; ask another administrator`);
    }
  };

  const userAction = (
    suffix: string,
    fields: readonly string[],
    run: (username: string, input: RequestParams, admin: SignedInAdmin) => Promise<string>,
    sensitive = false,
  ) =>
    consoleAction(
      app,
      ctx,
      `${paths.users}/:username/${suffix}`,
      {
        fields,
        ...(sensitive ? { reauthenticate: (request) => userPath(paths, param(request, 'username')) } : {}),
      },
      async (request, reply, admin, input) => {
        const username = param(request, 'username');
        const notice = await run(username, input, admin);
        return ctx.back(reply, userPath(paths, (await requireUser(stores, username)).username), notice);
      },
    );

  userAction(
    'profile',
    ['email', 'email_verified', ...EDITABLE_CLAIMS.map(([c]) => c)],
    async (username, input, admin) => {
      const current = await requireUser(stores, username);
      const email = (input.get('email') ?? '').trim();
      const profile: Record<string, string | null> = {};
      const known = current.profile as Readonly<Record<string, unknown>>;
      for (const [claim] of EDITABLE_CLAIMS) {
        const value = (input.get(claim) ?? '').trim();
        // An empty field removes a claim that was set; one never set stays unset.
        if (value !== '') profile[claim] = value;
        else if (known[claim] !== undefined) profile[claim] = null;
      }
      await updateUser(
        stores,
        username,
        { email: email === '' ? null : email, emailVerified: input.get('email_verified') === 'on', profile },
        ctx.options(admin),
      );
      return 'user-updated';
    },
  );

  userAction('groups', ['group', 'change'], async (username, input, admin) => {
    const group = input.get('group') ?? '';
    if (input.get('change') === 'remove') {
      if (group === ADMIN_GROUP)
        await checkNotSelf(username, admin, 'remove yourself from the administrators');
      await removeGroupMember(stores, group, username, ctx.options(admin));
      return 'group-removed';
    }
    await addGroupMember(stores, group, username, ctx.options(admin));
    return 'group-added';
  });

  userAction('status', ['disabled'], async (username, input, admin) => {
    const disable = input.get('disabled') === 'true';
    if (disable) await checkNotSelf(username, admin, 'disable your own account');
    await (disable ? disableUser : enableUser)(stores, username, ctx.options(admin));
    return disable ? 'user-disabled' : 'user-enabled';
  });

  userAction(
    'password',
    ['new_password'],
    async (username, input, admin) => {
      await setUserPassword(stores, username, input.get('new_password') ?? '', ctx.options(admin));
      return 'password-set';
    },
    true,
  );

  // Like a password reset, removing second factors weakens the account: it needs a recent sign-in.
  userAction(
    'factors/reset',
    [],
    async (username, _input, admin) => {
      await resetUserFactors(stores, username, ctx.options(admin));
      return 'factors-reset';
    },
    true,
  );

  userAction('sessions/end', ['sid'], async (username, input, admin) => {
    // Ending a session is a logout: its grants are revoked and its clients told.
    await endUserSession(
      { ...stores, logout: ctx.logout },
      username,
      input.get('sid') ?? '',
      ctx.options(admin),
    );
    return 'session-ended';
  });

  userAction('consents/revoke', ['client_id'], async (username, input, admin) => {
    await revokeUserConsent(stores, username, input.get('client_id') ?? '', ctx.options(admin));
    return 'consent-revoked';
  });
}
