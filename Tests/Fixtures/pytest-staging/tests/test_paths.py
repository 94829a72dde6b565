import glob
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# Parameters made from absolute paths, as gunicorn's tests glob their request files: the path
# is part of each test's id.
FILES = sorted(glob.glob(os.path.join(HERE, "data", "*.txt")))


@pytest.mark.parametrize("path", FILES)
def test_reads(path):
    with open(path) as f:
        assert f.read().strip() != "broken", "fails on purpose"
