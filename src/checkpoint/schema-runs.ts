/** Runs, steps, per-record states, the crosswalk and rejects (owned by src/load and src/pipeline). */
export const RUNS_SCHEMA = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  pipeline TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  status TEXT NOT NULL
);
`;
