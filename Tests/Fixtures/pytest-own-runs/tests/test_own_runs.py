import os


def test_runs_in_this_process_undistributed(request):
    # No DSession beside the process that runs this test: it would have started xdist workers.
    assert not request.config.pluginmanager.has_plugin("dsession")
    assert request.config.option.dist == "no"


def test_fails_and_counts_its_runs():
    # One line per run, in the file the test names (PytestOwnRunsTests reads it).
    with open(os.environ["TESTFLEET_FIXTURE_RUNS"], "a") as runs:
        runs.write("run\n")
    assert False, "fails every time"
