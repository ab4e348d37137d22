/**
 * The type of an open checkpoint database handle (better-sqlite3). Its own module so that what `db.ts`
 * opens with (`owner.ts`: the owner check at open) can name the handle without importing `db.ts` back.
 */
import type Database from 'better-sqlite3';

export type Db = Database.Database;
