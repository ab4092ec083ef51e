import type { Command } from '../lib/command.js';
import { auditTail } from './audit/tail.js';
import { clientCreate } from './client/create.js';
import { clientDelete } from './client/delete.js';
import { clientList } from './client/list.js';
import { gateway } from './gateway.js';
import { jwtDecode } from './jwt/decode.js';
import { jwtVerify } from './jwt/verify.js';
import { keysList } from './keys/list.js';
import { keysRotate } from './keys/rotate.js';
import { KUBE_COMMANDS } from './kube/index.js';
import { migrate } from './migrate.js';
import { serve } from './serve.js';
import { tokenClientCredentials } from './token/client-credentials.js';
import { tokenDevice } from './token/device.js';
import { userCreate } from './user/create.js';
import { userDisable } from './user/disable.js';
import { userList } from './user/list.js';
import { userSetPassword } from './user/set-password.js';

/** The one list of commands: adding a command is one new file and one line here. */
export const COMMANDS: readonly Command[] = [
  serve,
  gateway,
  migrate,
  clientCreate,
  clientList,
  clientDelete,
  userCreate,
  userList,
  userDisable,
  userSetPassword,
  keysList,
  keysRotate,
  tokenDevice,
  jwtDecode,
  jwtVerify,
  tokenClientCredentials,
  auditTail,
  ...KUBE_COMMANDS,
];
