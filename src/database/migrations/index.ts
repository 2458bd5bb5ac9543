import { MixedList } from 'typeorm';
import { AccountsAndSessions1795621787667 } from './1795621787667-accounts-and-sessions';
import { Organizations1795623016595 } from './1795623016595-organizations';
import { MfaAndSocialSignIn1795623039000 } from './1795623039000-mfa-and-social-sign-in';
import { Profiles1795623048232 } from './1795623048232-profiles';
import { ApiKeys1795623298515 } from './1795623298515-api-keys';
import { PartialSessionRevokedIndex1795642933837 } from './1795642933837-partial-session-revoked-index';
import { RefreshTokenDigestKey1795676400000 } from './1795676400000-refresh-token-digest-key';

/** Every migration, in order. Listed explicitly so the same list serves ts-jest and dist/. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [
  AccountsAndSessions1795621787667,
  Organizations1795623016595,
  MfaAndSocialSignIn1795623039000,
  Profiles1795623048232,
  ApiKeys1795623298515,
  PartialSessionRevokedIndex1795642933837,
  RefreshTokenDigestKey1795676400000,
];
