"""A collection hook with a side effect, as django-ninja's conftest sets NINJA_SKIP_REGISTRY in
pytest_generate_tests: a plain run makes it while collecting the first test function, before it
imports the test modules after that one (testfleet fixture)."""
import os


def pytest_generate_tests(metafunc):
    os.environ["TESTFLEET_FIXTURE_HOOK_SIDE_EFFECT"] = "collected"
