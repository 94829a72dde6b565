import pytest

pytest.skip("testfleet fixture: integration need a plugin that is not installed", allow_module_level=True)
