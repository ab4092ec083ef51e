import type { MigrationSet } from '@latchkey/store';
import { initial } from './0001-initial.js';
import { signIn } from './0002-sign-in.js';
import { tokenLifecycle } from './0003-token-lifecycle.js';
import { grantResources } from './0004-grant-resources.js';
import { throttles } from './0005-throttles.js';
import { attemptLimits } from './0006-attempt-limits.js';

import { adminModel } from './0007-admin-model.js';
import { clientRegistrations } from './0008-client-registrations.js';
import { machineIdentity } from './0009-machine-identity.js';
import { consentedClaims } from './0010-consented-claims.js';
import { auditByUser } from './0011-audit-by-user.js';
import { emailLinks } from './0012-email-links.js';

import { identities } from './0013-identities.js';
import { authorizationCodeDpop } from './0014-authorization-code-dpop.js';
import { secondFactors } from './0015-second-factors.js';
import { housekeepingIndexes } from './0016-housekeeping-indexes.js';
import { runtimeSettings } from './0017-runtime-settings.js';
import { adminSearchIndexes } from './0018-admin-search-indexes.js';
import { adminSearchLower } from './0019-admin-search-lower.js';

/** The provider's migrations, in the order they apply. Append; never edit or reorder a released one. */
export const providerMigrations: MigrationSet = {
  namespace: 'provider',
  migrations: [
    initial,
    signIn,
    tokenLifecycle,
    grantResources,
    throttles,
    attemptLimits,
    adminModel,
    clientRegistrations,
    machineIdentity,
    consentedClaims,
    auditByUser,
    emailLinks,
    identities,
    authorizationCodeDpop,
    secondFactors,
    housekeepingIndexes,
    runtimeSettings,
    adminSearchIndexes,
    adminSearchLower,
  ],
};
