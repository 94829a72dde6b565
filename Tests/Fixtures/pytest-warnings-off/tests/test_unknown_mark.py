import pytest


@pytest.mark.never_registered  # PytestUnknownMarkWarning at import: only an error under the filter
def test_marked():
    pass
