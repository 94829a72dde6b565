import GRDB

extension Store {
    /// Forward-only: a released migration is never edited; changes come as new named steps.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 builds, results, outputs") { db in
            try db.execute(sql: """
                CREATE TABLE build (
                  id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
                  suite TEXT NOT NULL,
                  simulated INTEGER NOT NULL CHECK (simulated IN (0, 1)),
                  commit_sha TEXT,
                  branch TEXT,
                  base TEXT,
                  head TEXT,
                  max_attempts INTEGER NOT NULL DEFAULT 1 CHECK (max_attempts BETWEEN 1 AND 10),
                  test_count INTEGER NOT NULL DEFAULT 0 CHECK (test_count >= 0),
                  source TEXT NOT NULL DEFAULT 'run' CHECK (source IN ('run', 'ingest')),
                  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished')),
                  verdict TEXT CHECK (verdict IN ('pass', 'fail')),
                  created_at REAL NOT NULL,
                  finished_at REAL,
                  CHECK ((state = 'finished') = (finished_at IS NOT NULL))
                );
                CREATE INDEX build_branch ON build(branch, created_at);

                CREATE TABLE result (
                  build_id TEXT NOT NULL REFERENCES build(id) ON DELETE CASCADE,
                  test TEXT NOT NULL CHECK (length(test) > 0),
                  attempt INTEGER NOT NULL CHECK (attempt >= 1),
                  outcome TEXT NOT NULL
                    CHECK (outcome IN ('passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed')),
                  duration REAL NOT NULL CHECK (duration >= 0),
                  worker TEXT NOT NULL DEFAULT '',
                  arch TEXT NOT NULL DEFAULT '',
                  PRIMARY KEY (build_id, test, attempt)
                ) WITHOUT ROWID;

                CREATE TABLE output (
                  build_id TEXT NOT NULL,
                  test TEXT NOT NULL,
                  attempt INTEGER NOT NULL,
                  size INTEGER NOT NULL CHECK (size >= 0),
                  dropped INTEGER NOT NULL DEFAULT 0 CHECK (dropped >= 0),
                  lz4 BLOB NOT NULL,
                  PRIMARY KEY (build_id, test, attempt),
                  FOREIGN KEY (build_id, test, attempt) REFERENCES result(build_id, test, attempt) ON DELETE CASCADE
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2 timing history") { db in
            try db.execute(sql: """
                CREATE TABLE timing (
                  test TEXT NOT NULL,
                  arch TEXT NOT NULL,
                  ewma REAL NOT NULL CHECK (ewma >= 0),
                  p90 REAL NOT NULL CHECK (p90 >= 0),
                  samples INTEGER NOT NULL CHECK (samples >= 1),
                  PRIMARY KEY (test, arch)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3 quarantine") { db in
            try db.execute(sql: """
                CREATE TABLE quarantine (
                  test TEXT PRIMARY KEY NOT NULL,
                  reason TEXT NOT NULL,
                  manual INTEGER NOT NULL CHECK (manual IN (0, 1)),
                  since REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4 impact selection per build") { db in
            // What `run|submit --base --head` left out, so the verdict can say what was skipped.
            try db.execute(sql: """
                CREATE TABLE build_selection (
                  build_id TEXT PRIMARY KEY NOT NULL REFERENCES build(id) ON DELETE CASCADE,
                  base TEXT NOT NULL,
                  head TEXT NOT NULL,
                  diff_base TEXT NOT NULL,
                  selected_count INTEGER NOT NULL CHECK (selected_count >= 0),
                  skipped_count INTEGER NOT NULL CHECK (skipped_count >= 0),
                  run_all_reasons TEXT NOT NULL,
                  rebase_required TEXT
                ) WITHOUT ROWID;

                CREATE TABLE selection_skip (
                  build_id TEXT NOT NULL REFERENCES build_selection(build_id) ON DELETE CASCADE,
                  position INTEGER NOT NULL CHECK (position >= 0),
                  suite TEXT NOT NULL,
                  test TEXT NOT NULL CHECK (length(test) > 0),
                  reason TEXT NOT NULL,
                  PRIMARY KEY (build_id, position)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5 lint violations") { db in
            // Lint/import-rule violations from `testfleet ingest lint`, kept per build or commit so
            // a report can show them beside the test results of the same change.
            try db.execute(sql: """
                CREATE TABLE lint_violation (
                  build_id TEXT,
                  commit_sha TEXT,
                  tool TEXT NOT NULL CHECK (length(tool) > 0),
                  path TEXT NOT NULL,
                  line INTEGER NOT NULL CHECK (line >= 0),
                  col INTEGER NOT NULL DEFAULT 0 CHECK (col >= 0),
                  code TEXT NOT NULL,
                  message TEXT NOT NULL,
                  recorded_at REAL NOT NULL
                );
                CREATE INDEX lint_violation_build ON lint_violation(build_id);
                CREATE INDEX lint_violation_commit ON lint_violation(commit_sha);
                """)
        }
        migrator.registerMigration("v6 quarantine events, analysis snapshot") { db in
            // Every manual quarantine and release, in order: the analyser needs when a person
            // released a test (a released test re-enters quarantine only on later flaky failures).
            // `build_seq` is the newest build's rowid when the decision was taken (0: none yet).
            try db.execute(sql: """
                CREATE TABLE quarantine_event (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  test TEXT NOT NULL CHECK (length(test) > 0),
                  action TEXT NOT NULL CHECK (action IN ('add', 'release')),
                  reason TEXT NOT NULL,
                  build_seq INTEGER NOT NULL CHECK (build_seq >= 0),
                  at REAL NOT NULL
                );
                CREATE INDEX quarantine_event_test ON quarantine_event(test, seq);
                CREATE TABLE analysis_snapshot (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  prior_alpha REAL NOT NULL CHECK (prior_alpha > 0),
                  prior_beta REAL NOT NULL CHECK (prior_beta > 0),
                  ambient_rate REAL NOT NULL CHECK (ambient_rate >= 0 AND ambient_rate <= 1),
                  regression_rate REAL NOT NULL CHECK (regression_rate >= 0 AND regression_rate <= 1),
                  flag_threshold REAL NOT NULL,
                  next_flag_bar REAL NOT NULL,
                  build_seq INTEGER NOT NULL CHECK (build_seq >= 0),
                  at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7 inventory cache") { db in
            // A suite's last test list and the fingerprint of what decided it (file stats), so a
            // build whose test files did not change skips the framework's collection step.
            try db.execute(sql: """
                CREATE TABLE inventory_cache (
                  suite_key TEXT PRIMARY KEY NOT NULL,
                  fingerprint TEXT NOT NULL,
                  names TEXT NOT NULL,
                  test_count INTEGER NOT NULL CHECK (test_count >= 0),
                  created_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8 confirmation runs") { db in
            // Confirmation runs (BuildSpec.confirmAttempts) take a test past max_attempts, so
            // a restarted coordinator needs them to resume a build the way it started.
            try db.execute(sql: """
                ALTER TABLE build ADD COLUMN confirm_attempts INTEGER NOT NULL DEFAULT 0
                  CHECK (confirm_attempts BETWEEN 0 AND 20);
                ALTER TABLE build ADD COLUMN confirm_limit INTEGER NOT NULL DEFAULT 0 CHECK (confirm_limit >= 0);
                """)
        }
        migrator.registerMigration("v9 build outage flag") { db in
            // The gate's "infrastructure outage suspected" for a finished build: on stores too big
            // to analyse in full, the gate re-judges failing tests without finding outages itself,
            // and a past outage would otherwise count as those tests' flakiness.
            try db.execute(sql: "ALTER TABLE build ADD COLUMN outage INTEGER NOT NULL DEFAULT 0 CHECK (outage IN (0, 1))")
        }
        migrator.registerMigration("v10 build ending and owner") { db in
            // A build that ends without a verdict of its tests (cancelled, abandoned by the run
            // that owned it, aborted because no worker serves its arch) is finished with a
            // failing verdict marked as an outage, and says here how it ended. `owner` names the
            // `run --local` process that drives a build, so another run does not resume it.
            try db.execute(sql: """
                ALTER TABLE build ADD COLUMN ended TEXT CHECK (ended IN ('cancelled', 'abandoned', 'aborted'));
                ALTER TABLE build ADD COLUMN ended_reason TEXT;
                ALTER TABLE build ADD COLUMN owner TEXT;
                """)
        }
        migrator.registerMigration("v11 alert state") { db in
            // The state of each test last announced by a webhook (`coordinator --webhook`), so an
            // alert goes out once per state change, across restarts.
            try db.execute(sql: """
                CREATE TABLE alert_state (
                  test TEXT PRIMARY KEY NOT NULL CHECK (length(test) > 0),
                  state TEXT NOT NULL,
                  announced_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v11-history-commit-position") { db in
            // Where a build's commit sits on its target branch's first-parent line, where the
            // repository was at hand (`run`/`submit`/`ingest junit` in a checkout): commit order
            // follows git ancestry instead of the order builds happened to arrive in.
            try db.execute(sql: "ALTER TABLE build ADD COLUMN commit_position INTEGER CHECK (commit_position >= 0)")
        }
        migrator.registerMigration("v12-history-rollups") { db in
            // Per-test daily figures, kept forever once `prune` deletes the raw rows of a day:
            // what trends and long-range analysis read, and what the gate adds to a test's
            // bounded window of raw results. `rollup_day` lists the days already rolled up.
            try db.execute(sql: """
                CREATE TABLE test_rollup (
                  test TEXT NOT NULL,
                  day INTEGER NOT NULL,
                  branch_class TEXT NOT NULL CHECK (branch_class IN ('target', 'side')),
                  builds INTEGER NOT NULL CHECK (builds >= 0),
                  runs INTEGER NOT NULL CHECK (runs >= 0),
                  failures INTEGER NOT NULL CHECK (failures >= 0),
                  flaky_failures INTEGER NOT NULL CHECK (flaky_failures >= 0),
                  failed_builds INTEGER NOT NULL CHECK (failed_builds >= 0),
                  duration_p50 REAL NOT NULL,
                  duration_p90 REAL NOT NULL,
                  duration_max REAL NOT NULL,
                  PRIMARY KEY (test, day, branch_class)
                ) WITHOUT ROWID;
                -- No index by day: it would repeat every key (test names included) for a rare query.
                CREATE TABLE rollup_day (day INTEGER PRIMARY KEY NOT NULL, builds INTEGER NOT NULL, rolled_at REAL NOT NULL);
                CREATE INDEX build_created ON build(created_at);
                """)
        }
        migrator.registerMigration("v13 build priority") { db in
            // The priority a build was submitted with (`submit --priority`; NULL: its branch's
            // default), so a coordinator that restarts resumes it at the same place in the queue.
            try db.execute(sql: "ALTER TABLE build ADD COLUMN priority INTEGER")
        }
        migrator.registerMigration("v14 suites of a build") { db in
            // The [[suite]] names and adapters of a build, so its JUnit export names each
            // <testsuite> after its suite and derives `classname` the way that framework does.
            // `tests` (names, one per line) only when the build has more than one suite: with one
            // suite every test is its, and the common build pays nothing.
            try db.execute(sql: """
                CREATE TABLE build_suite (
                  build_id TEXT NOT NULL REFERENCES build(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL CHECK (position >= 0),
                  name TEXT NOT NULL,
                  adapter TEXT NOT NULL,
                  tests TEXT,
                  PRIMARY KEY (build_id, position)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v15 webhook outbox") { db in
            // Each announced state change, written in the same transaction that records the
            // state as announced, with the delivery id it keeps across retries and restarts;
            // `delivered_at` once the receiver answered (2xx, or a 4xx refusal: `outcome`).
            try db.execute(sql: """
                CREATE TABLE alert_outbox (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  delivery TEXT NOT NULL UNIQUE CHECK (length(delivery) > 0),
                  test TEXT NOT NULL,
                  state TEXT NOT NULL,
                  body TEXT NOT NULL,
                  created_at REAL NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                  delivered_at REAL,
                  outcome TEXT CHECK (outcome IN ('delivered', 'refused')),
                  CHECK ((delivered_at IS NULL) = (outcome IS NULL))
                );
                CREATE INDEX alert_outbox_pending ON alert_outbox (seq) WHERE delivered_at IS NULL;
                """)
        }
        migrator.registerMigration("v15 scale3 rollup totals and day trends") { db in
            // `rollup_total`: each test's rollups summed over every rolled-up day, kept up to date
            // by `rollUp`, so the long record behind the raw window is one row per test (the
            // flaky analysis reads every test's, the gate a few) however many days are kept.
            // `trend_day`: each rolled-up day's build totals per branch class, folded as the trend
            // graphs fold builds, so a trend of 90 days still shows the days `prune` deleted.
            try db.execute(sql: """
                CREATE TABLE rollup_total (
                  test TEXT NOT NULL,
                  branch_class TEXT NOT NULL CHECK (branch_class IN ('target', 'side')),
                  builds INTEGER NOT NULL CHECK (builds >= 0),
                  runs INTEGER NOT NULL CHECK (runs >= 0),
                  failures INTEGER NOT NULL CHECK (failures >= 0),
                  flaky_failures INTEGER NOT NULL CHECK (flaky_failures >= 0),
                  failed_builds INTEGER NOT NULL CHECK (failed_builds >= 0),
                  PRIMARY KEY (test, branch_class)
                ) WITHOUT ROWID;
                INSERT INTO rollup_total (test, branch_class, builds, runs, failures, flaky_failures, failed_builds)
                  SELECT test, branch_class, sum(builds), sum(runs), sum(failures), sum(flaky_failures), sum(failed_builds)
                  FROM test_rollup GROUP BY test, branch_class;
                CREATE TABLE trend_day (
                  day INTEGER NOT NULL,
                  branch_class TEXT NOT NULL CHECK (branch_class IN ('target', 'side')),
                  builds INTEGER NOT NULL CHECK (builds >= 0),
                  simulated_builds INTEGER NOT NULL CHECK (simulated_builds >= 0),
                  tests INTEGER NOT NULL CHECK (tests >= 0),
                  passed INTEGER NOT NULL CHECK (passed >= 0),
                  failed INTEGER NOT NULL CHECK (failed >= 0),
                  skipped INTEGER NOT NULL CHECK (skipped >= 0),
                  passed_on_retry INTEGER NOT NULL CHECK (passed_on_retry >= 0),
                  test_seconds REAL NOT NULL,
                  timed_builds INTEGER NOT NULL CHECK (timed_builds >= 0),
                  wall_seconds REAL NOT NULL,
                  PRIMARY KEY (day, branch_class)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v16 scale4 build totals") { db in
            // Each finished build's trend totals (`Store+BuildTotals.swift`), written when it
            // finishes, so trends read one row per build instead of its raw results. Existing
            // finished builds are totalled here, once (one pass over the raw window).
            try db.execute(sql: """
                CREATE TABLE build_total (
                  build_id TEXT PRIMARY KEY NOT NULL REFERENCES build(id) ON DELETE CASCADE,
                  tests INTEGER NOT NULL CHECK (tests >= 0),
                  passed INTEGER NOT NULL CHECK (passed >= 0),
                  failed INTEGER NOT NULL CHECK (failed >= 0),
                  skipped INTEGER NOT NULL CHECK (skipped >= 0),
                  passed_on_retry INTEGER NOT NULL CHECK (passed_on_retry >= 0),
                  test_seconds REAL NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO build_total (build_id, tests, passed, failed, skipped, passed_on_retry, test_seconds)
                  SELECT build_id, count(*), coalesce(sum(outcome IN ('passed', 'xfailed', 'xpassed')), 0),
                         coalesce(sum(outcome IN ('failed', 'error')), 0), coalesce(sum(outcome = 'skipped'), 0),
                         coalesce(sum(attempts > 1 AND outcome IN ('passed', 'xfailed', 'xpassed')), 0), coalesce(sum(seconds), 0)
                  FROM (SELECT build_id, max(attempt) AS attempts, outcome, sum(duration) AS seconds FROM result
                        WHERE build_id IN (SELECT id FROM build WHERE state = 'finished') GROUP BY build_id, test)
                  GROUP BY build_id;
                """)
        }
        migrator.registerMigration("v17 order4 result process places") { db in
            // Where each attempt ran (`RunPlace`): its test process and position there, for the
            // order-dependence check. A table of its own (not columns of `result`) so the hot
            // result rows keep their shape and a store filled by `ingest junit` (JUnit has no
            // process identity) holds no rows here at all. Looked up by result key, and by
            // process for "what ran before it".
            try db.execute(sql: """
                CREATE TABLE result_place (
                  build_id TEXT NOT NULL REFERENCES build(id) ON DELETE CASCADE,
                  test TEXT NOT NULL,
                  attempt INTEGER NOT NULL,
                  process INTEGER NOT NULL CHECK (process != 0),
                  position INTEGER NOT NULL CHECK (position >= 0),
                  PRIMARY KEY (build_id, test, attempt)
                ) WITHOUT ROWID;
                CREATE INDEX result_place_process ON result_place (process, position);
                """)
        }
        migrator.registerMigration("v18 process setup of a place") { db in
            // What the attempt's setup made once for its process (pytest's session-scoped
            // fixtures), which its duration leaves out: what a new process of the suite costs.
            try db.execute(sql: "ALTER TABLE result_place ADD COLUMN shared_setup REAL NOT NULL DEFAULT 0 CHECK (shared_setup >= 0)")
        }
        migrator.registerMigration("v19 a suite's process cost verdict") { db in
            // The latest verdict of `ProcessStartCost` per suite file: builds that all ran in
            // as many processes show no contrast, and keep it.
            try db.execute(sql: """
                CREATE TABLE suite_process_cost (
                  suite TEXT PRIMARY KEY NOT NULL CHECK (length(suite) > 0),
                  keeps_order INTEGER NOT NULL CHECK (keeps_order IN (0, 1)),
                  per_process_seconds REAL NOT NULL,
                  updated_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }
}
