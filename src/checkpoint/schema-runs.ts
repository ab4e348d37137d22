/**
 * Runs, steps, per-record states, the crosswalk, batches and rejects (owned by src/load, driven by
 * src/pipeline/run/run.ts through src/checkpoint/store.ts).
 *
 * Records and the crosswalk are keyed by step name + source key, not by run: a key confirmed in any
 * earlier run is known to exist in Zoho, and a key left `sent`/`in-doubt` by a killed run is reconciled
 * by the next one. Runs and steps hold what one run did (status, source hash, high-water mark), and
 * `records.run_id`/`records.outcome` say what the latest run to touch a key did with it, so per-run
 * counts are exact even when a resumed run re-reads rows it already finished.
 *
 * Nothing here ever holds a token or secret: run options are scrubbed before they are stored.
 */
export const RUNS_SCHEMA = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  pipeline TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  -- running | ok | rejects | interrupted | failed | outside-window
  status TEXT NOT NULL,
  options_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_pipeline ON runs(pipeline, id);

CREATE TABLE steps (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  name TEXT NOT NULL,
  entity TEXT NOT NULL,
  -- pending | running | done | failed | interrupted
  status TEXT NOT NULL,
  mode TEXT NOT NULL DEFAULT 'create',
  source_path TEXT,
  source_sha256 TEXT,
  -- high-water mark: position of the first record not yet finished (NULL = start of the source)
  hw_byte_offset INTEGER,
  hw_index INTEGER,
  hw_line INTEGER,
  started_ms INTEGER,
  finished_ms INTEGER,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  step TEXT NOT NULL,
  -- sent | done
  state TEXT NOT NULL,
  size INTEGER NOT NULL,
  sent_ms INTEGER NOT NULL,
  done_ms INTEGER
);
CREATE INDEX batches_step ON batches(step, state);

CREATE TABLE records (
  step TEXT NOT NULL,
  key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('planned', 'sent', 'confirmed', 'rejected', 'in-doubt')),
  -- create | update: what the last send attempted
  op TEXT,
  -- created | updated | skipped (confirmed), rejected, in-doubt: the outcome in run run_id
  outcome TEXT,
  run_id INTEGER,
  zoho_id TEXT,
  batch_id INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL,
  payload_hash TEXT,
  -- the target values sent, kept while the outcome is unknown so reconciliation can look them up
  payload_json TEXT,
  -- the original source columns (JSON array of [name, value]), kept like payload_json, for rejects.csv
  columns_json TEXT,
  source TEXT,
  line INTEGER,
  idx INTEGER,
  byte_offset INTEGER,
  PRIMARY KEY (step, key)
) WITHOUT ROWID;
CREATE INDEX records_state ON records(step, state);
CREATE INDEX records_run ON records(run_id, step, outcome);

CREATE TABLE crosswalk (
  step TEXT NOT NULL,
  key TEXT NOT NULL,
  entity TEXT NOT NULL,
  zoho_id TEXT NOT NULL,
  -- natural name (users: email) for lookups by entity + name
  name TEXT,
  -- the id of the containing scope (project id for milestones, tasklists, tasks, logs; '' for portal)
  scope_id TEXT NOT NULL DEFAULT '',
  -- JSON object of parent ids needed later for PATCH and reconciliation: {project, tasklist, parentTask, task}
  parents_json TEXT NOT NULL DEFAULT '{}',
  -- created | updated | skipped: how the key first got its id
  origin TEXT NOT NULL,
  run_id INTEGER,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (step, key)
) WITHOUT ROWID;
CREATE INDEX crosswalk_zoho ON crosswalk(entity, zoho_id);
CREATE INDEX crosswalk_name ON crosswalk(entity, name, scope_id);

CREATE TABLE rejects (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  step TEXT NOT NULL,
  key TEXT,
  -- prepare (mapping/validation) | load (refused by Zoho)
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  code TEXT NOT NULL,
  field TEXT NOT NULL,
  message TEXT NOT NULL,
  value TEXT,
  -- original columns in source order: JSON array of [name, value] pairs
  columns_json TEXT NOT NULL DEFAULT '[]',
  created_ms INTEGER NOT NULL
);
-- A row is rejected at most once per run, however often a resumed run re-reads it.
CREATE UNIQUE INDEX rejects_row ON rejects(run_id, step, source, idx);
`;

/**
 * Migration 4: when each record was last marked sent (the batch's markSent instant, clock ms). Unlike
 * updated_ms it is not moved by a later outcome (in-doubt), so reconciliation can tell an entity made
 * before our request (someone else's) from one made after it (possibly ours). NULL for rows sent
 * before this migration: reconciliation then has no floor for them.
 */
export const RECORDS_SENT_MS = `ALTER TABLE records ADD COLUMN sent_ms INTEGER;`;
