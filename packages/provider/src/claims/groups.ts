import { GROUPS_CLAIM } from '../scopes/index.js';
import type { GroupStore } from '../store/types.js';
import type { ClaimSubject } from './user-claims.js';

/**
 * The user with their group names looked up, when the claims to release include `groups` (the
 * `groups` scope, or the claim asked for by name): one indexed query then, none otherwise.
 */
export async function withGroupsIfReleased(
  groups: Pick<GroupStore, 'groupsOf'>,
  user: ClaimSubject,
  released: Iterable<string>,
): Promise<ClaimSubject> {
  for (const name of released) {
    if (name === GROUPS_CLAIM) return { ...user, groups: await groups.groupsOf(user.id) };
  }
  return user;
}
