import os
import time

import pytest

_made = []


def _log(line):
    with open(os.environ["SESSION_LOG"], "a") as log:
        log.write(line + "\n")


@pytest.fixture(scope="session")
def database():
    # Made once per process, as a test database is: a second set-up here is a bug of the runner.
    if _made:
        raise RuntimeError("the session's database was already created in this process")
    _made.append(True)
    _log("session setup")
    # As long as a test database takes to make, when the test says (SESSION_SETUP_SECONDS).
    time.sleep(float(os.environ.get("SESSION_SETUP_SECONDS", "0")))
    yield "db"
    _log("session teardown")
    if os.environ.get("SESSION_TEARDOWN_FAILS"):
        raise RuntimeError("the session's database could not be dropped")


@pytest.fixture(scope="module")
def connection(database):
    _log("module setup")
    yield database
    _log("module teardown")
    if os.environ.get("MODULE_TEARDOWN_FAILS"):
        raise RuntimeError("the module's connection could not be closed")
