import { MixedList } from 'typeorm';

/** Every migration, in order. Listed explicitly so the same list serves ts-jest and dist/. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [];
