import type { Command } from '../lib/command.js';
import { adminCreate } from './admin/create.js';
import { auditTail } from './audit/tail.js';
import { clientCreate } from './client/create.js';
import { clientDelete } from './client/delete.js';
import { clientDisable } from './client/disable.js';
import { clientEnable } from './client/enable.js';
import { clientList } from './client/list.js';
import { clientRegistrationToken } from './client/registration-token.js';
import { clientSecretRotate } from './client/secret-rotate.js';
import { clientShow } from './client/show.js';
import { clientUpdate } from './client/update.js';
import { gateway } from './gateway.js';
import { groupAddMember } from './group/add-member.js';
import { groupCreate } from './group/create.js';
import { groupDelete } from './group/delete.js';
import { groupList } from './group/list.js';
import { groupRemoveMember } from './group/remove-member.js';
import { jwtDecode } from './jwt/decode.js';
import { jwtVerify } from './jwt/verify.js';
import { keysList } from './keys/list.js';
import { keysRotate } from './keys/rotate.js';
import { KUBE_COMMANDS } from './kube/index.js';
import { migrate } from './migrate.js';
import { serve } from './serve.js';
import { settingsReset } from './settings/reset.js';
import { settingsSet } from './settings/set.js';
import { settingsShow } from './settings/show.js';
import { tokenClientCredentials } from './token/client-credentials.js';
import { tokenDevice } from './token/device.js';
import { userCreate } from './user/create.js';
import { userDelete } from './user/delete.js';
import { userDisable } from './user/disable.js';
import { userEnable } from './user/enable.js';
import { userFactors } from './user/factors.js';
import { userList } from './user/list.js';
import { userResetFactors } from './user/reset-factors.js';
import { userSetPassword } from './user/set-password.js';
import { userShow } from './user/show.js';
import { userUpdate } from './user/update.js';

/** The one list of commands: adding a command is one new file and one line here. */
export const COMMANDS: readonly Command[] = [
  serve,
  gateway,
  migrate,
  clientCreate,
  clientList,
  clientShow,
  clientUpdate,
  clientSecretRotate,
  clientDisable,
  clientEnable,
  clientDelete,
  clientRegistrationToken,
  userCreate,
  userList,
  userShow,
  userUpdate,
  userDisable,
  userEnable,
  userDelete,
  userSetPassword,
  userFactors,
  userResetFactors,
  groupCreate,
  groupList,
  groupAddMember,
  groupRemoveMember,
  groupDelete,
  adminCreate,
  keysList,
  keysRotate,
  tokenDevice,
  jwtDecode,
  jwtVerify,
  tokenClientCredentials,
  auditTail,
  settingsShow,
  settingsSet,
  settingsReset,
  ...KUBE_COMMANDS,
];
