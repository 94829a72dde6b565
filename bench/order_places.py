# Fills a testfleet store (already migrated) with a run-path history whose results carry places
# (result_place), for bench/order-dependence.sh: BUILDS builds of TESTS tests, one warm process
# per build, 20 tests failing 30 % of their warm runs and passing every fresh retry, and one
# test failing whenever the 500th test ran before it. SYNTHETIC: random, seeded.
import sqlite3, random, sys
random.seed(5)
db = sqlite3.connect(sys.argv[1])
B, N = int(sys.argv[2]), int(sys.argv[3])
flaky = set(range(100, 120))  # 20 tests flaky at 30%, independently
polluter, victim = 500, 900   # the victim fails on its first attempt whenever the polluter ran before it
t0 = 1.7e9
for b in range(B):
    bid = f"b{b}"
    db.execute("INSERT INTO build (id, suite, simulated, commit_sha, branch, max_attempts, test_count, state, verdict, created_at, finished_at) VALUES (?,?,0,?,?,3,?,'finished','pass',?,?)",
               (bid, "py", f"c{b}", "main", N, t0 + b * 60, t0 + b * 60 + 30))
    warm = random.randrange(1, 2**63)
    fresh = random.randrange(1, 2**63)
    rows, places = [], []
    retries = []
    for t in range(N):
        name = f"tests/test_m{t // 50}.py::test_{t}"
        fail = (t in flaky and random.random() < 0.3) or t == victim
        rows.append((bid, name, 1, "failed" if fail else "passed", 0.01, "w1", "x86_64"))
        places.append((bid, name, 1, warm, t))
        if fail: retries.append(name)
    for i, name in enumerate(retries):
        rows.append((bid, name, 2, "passed", 0.01, "w2", "x86_64"))
        places.append((bid, name, 2, fresh, i))
    db.executemany("INSERT INTO result (build_id, test, attempt, outcome, duration, worker, arch) VALUES (?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO result_place (build_id, test, attempt, process, position) VALUES (?,?,?,?,?)", places)
db.commit()
