"""Warns: passes once collection has undone test_filter_at_import's filter (testfleet fixture)."""
import warnings


def test_warns():
    warnings.warn("only a warning", UserWarning)
