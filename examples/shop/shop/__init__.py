"""A tiny shop used as testfleet's demo project."""
