/** Schema migrations, in order; `PRAGMA user_version` records how many ran. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   INSERT INTO meta (key, value) VALUES ('application', 'orchestrate');
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     workflow TEXT NOT NULL,
     file TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT,
     concurrency INTEGER NOT NULL,
     resumed_from TEXT,
     wall_time REAL,
     cost REAL
   );
   CREATE INDEX runs_by_workflow ON runs (workflow, started_at);
   CREATE TABLE attempts (
     run_id TEXT NOT NULL REFERENCES runs (id),
     task_id TEXT NOT NULL,
     definition_hash TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     agent TEXT,
     status TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     duration_ms REAL,
     queue_wait_ms REAL,
     exit_code INTEGER,
     cost REAL,
     error_kind TEXT,
     error_message TEXT,
     PRIMARY KEY (run_id, task_id, attempt)
   );
   CREATE INDEX attempts_by_task ON attempts (task_id, definition_hash, status);
   CREATE TABLE tasks (
     run_id TEXT NOT NULL REFERENCES runs (id),
     task_id TEXT NOT NULL,
     definition_hash TEXT NOT NULL,
     agent TEXT,
     status TEXT NOT NULL,
     reason TEXT,
     attempts INTEGER NOT NULL,
     duration_ms REAL,
     queue_wait_ms REAL,
     cost REAL,
     outputs TEXT NOT NULL,
     finished_at TEXT NOT NULL,
     PRIMARY KEY (run_id, task_id)
   );
   CREATE TABLE events (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     event TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   );`,
  // 2: the needs of each task, so reports can draw the critical path as it ran.
  `ALTER TABLE tasks ADD COLUMN needs TEXT NOT NULL DEFAULT '[]';`,
  // 3: which process runs a run, so that --resume does not pick one that is still running.
  `ALTER TABLE runs ADD COLUMN runner_pid INTEGER;
   ALTER TABLE runs ADD COLUMN runner_host TEXT;
   ALTER TABLE runs ADD COLUMN runner_started REAL;`,
  // 4: the run's input values (JSON; null for a value that held a secret), which --resume reuses.
  `ALTER TABLE runs ADD COLUMN inputs TEXT;`,
  // 5: the fingerprint of a task's sources when it succeeded, and a way to find a task's latest end.
  `ALTER TABLE tasks ADD COLUMN sources_hash TEXT;
   CREATE INDEX tasks_by_task ON tasks (task_id);`,
  // 6: the run's serial time as the run measured it (its tasks one at a time: attempts and retry delays), for the speedup that history and reports show.
  `ALTER TABLE runs ADD COLUMN serial_time REAL;`,
  // 7: the memo key of a task with \`memoize\`, by which a later run finds a success to reuse.
  `ALTER TABLE tasks ADD COLUMN memo_key TEXT;
   CREATE INDEX tasks_by_memo_key ON tasks (memo_key, finished_at) WHERE memo_key IS NOT NULL;`,
  // 8: decisions on tasks that wait for approval (\`orchestrate approve\`, \`reject\`), which their runner reads.
  `CREATE TABLE approvals (
     run_id TEXT NOT NULL REFERENCES runs (id),
     task_id TEXT NOT NULL,
     approved INTEGER NOT NULL,
     decided_by TEXT,
     reason TEXT,
     decided_at TEXT NOT NULL,
     PRIMARY KEY (run_id, task_id)
   );`,
  // 9: the exclusive groups taken by runs going on (\`exclusive\`): one run of a group at a time on a machine.
  `CREATE TABLE locks (
     name TEXT PRIMARY KEY,
     run_id TEXT NOT NULL,
     workflow TEXT NOT NULL,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     started REAL,
     taken_at TEXT NOT NULL
   );`,
  // 10: what a task's last attempt wrote to $ORCHESTRATE_SUMMARY (masked Markdown), for reports.
  `ALTER TABLE tasks ADD COLUMN summary TEXT;`,
  // 11: what the ready tasks of a run going on wait for (JSON, as live progress names it), for \`status\`.
  `ALTER TABLE runs ADD COLUMN waits TEXT;`,
  // 12: a failed attempt's last lines (JSON, masked, as the summary shows them), for reports.
  `ALTER TABLE attempts ADD COLUMN tail TEXT;`,
  // 13: the cost a task declared an attempt when it ran (null before), so that what it cost calibrates the plan only while that is unchanged.
  `ALTER TABLE tasks ADD COLUMN declared_cost REAL;`,
  // 14: how a run chose its tasks (JSON: the ids after the file, --only, --since, -c), for the command that resumes it.
  `ALTER TABLE runs ADD COLUMN selection TEXT;`,
];
