"""Module state that tests can poison: it lives as long as the Python process."""
POISONED = False
