/**
 * Migration 5: which pipeline a checkpoint belongs to (src/checkpoint/owner.ts). Records and the
 * crosswalk are keyed by step name + source key only, so a second pipeline opening the same file would
 * take the first one's keys for its own and skip them; one row here names the owner, and every opener
 * compares itself with it before reading a record.
 *
 * `portal_id` is NULL until an opener that knows its portal claims the file (a payroll export from a
 * file source knows none). `adopted` is 1 when the owner was written into a file made by an older zpetl.
 */
export const OWNER_SCHEMA = `
CREATE TABLE checkpoint_owner (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pipeline TEXT NOT NULL,
  portal_id TEXT,
  claimed_ms INTEGER NOT NULL,
  adopted INTEGER NOT NULL DEFAULT 0
);
`;

/**
 * Migration 6: the pipeline FILE that owns the checkpoint (its real path), NULL for a pipeline given to
 * the library without one and in files claimed before this column existed (the next writer from a file
 * fills it in). Two copies of a pipeline file keep the same `name:`, so the name alone cannot tell them
 * apart (src/checkpoint/owner.ts).
 */
export const OWNER_FILE_SCHEMA = `ALTER TABLE checkpoint_owner ADD COLUMN pipeline_file TEXT;`;
