import { MixedList } from 'typeorm';
import { AccountsAndSessions1795621787667 } from './1795621787667-accounts-and-sessions';

/** Every migration, in order. Listed explicitly so the same list serves ts-jest and dist/. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [AccountsAndSessions1795621787667];
