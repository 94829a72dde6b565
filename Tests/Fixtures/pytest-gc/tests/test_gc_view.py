import gc
import weakref


def made_at_import():
    """Made when the module was imported: in a fork server, before the fork."""


class Node:
    pass


def _cycle():
    node = Node()
    node.itself = node
    return node


_dropped_later = _cycle()
_dropped_later_ref = weakref.ref(_dropped_later)


def test_get_objects_lists_what_the_import_made():
    assert any(o is made_at_import for o in gc.get_objects())


def test_get_referrers_finds_what_the_import_made():
    assert any(isinstance(r, dict) and r.get("made_at_import") is made_at_import
               for r in gc.get_referrers(made_at_import))


def test_a_cycle_made_at_import_is_collected_once_dropped():
    global _dropped_later
    _dropped_later = None
    gc.collect()
    assert _dropped_later_ref() is None
