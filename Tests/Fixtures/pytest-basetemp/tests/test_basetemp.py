import os


def _note_basetemp(factory):
    # With TESTFLEET_FIXTURE_BASETEMPS=PATH, each test appends its process's directory to PATH.
    path = os.environ.get("TESTFLEET_FIXTURE_BASETEMPS")
    if path:
        with open(path, "a") as notes:
            notes.write("%s\n" % factory.getbasetemp())


def test_leaves_a_file(tmp_path_factory):
    _note_basetemp(tmp_path_factory)
    (tmp_path_factory.getbasetemp() / "left-behind").write_text("a test ran with this directory")


def test_finds_its_directory_clean(tmp_path_factory):
    _note_basetemp(tmp_path_factory)
    assert not (tmp_path_factory.getbasetemp() / "left-behind").exists(), "a test ran here before"
