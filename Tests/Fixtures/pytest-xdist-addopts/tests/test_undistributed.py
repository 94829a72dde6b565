def test_runs_in_this_process_undistributed(request):
    # No DSession beside the process that runs this test: it would have started xdist workers.
    assert not request.config.pluginmanager.has_plugin("dsession")
    assert request.config.option.dist == "no"


def test_second():
    pass
