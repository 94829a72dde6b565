def test_runs_with_the_cache_plugin_blocked():
    pass
