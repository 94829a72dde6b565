def pytest_report_header(config):
    # As sphinx's conftest does: naming the session's base temporary directory makes it, at
    # session start, before any test runs (and before a fork server forks a child).
    return "base temporary directory: %s" % config._tmp_path_factory.getbasetemp()
