import types

import pytest


class Block(pytest.Module):
    """The tests defined inside a describe_ function, collected as a module of their own (the
    function returns its locals), with the file's path: pytest-describe's DescribeBlock in brief."""

    @classmethod
    def from_parent(cls, parent, obj):
        block = super().from_parent(parent=parent, path=parent.path, nodeid=parent.nodeid + "::" + obj.__name__)
        block.name = obj.__name__
        block.function = obj
        return block

    def _getobj(self):
        module = types.ModuleType(self.name)
        module.__dict__.update(self.function())
        return module


def pytest_pycollect_makeitem(collector, name, obj):
    if isinstance(obj, types.FunctionType) and name.startswith("describe_"):
        return Block.from_parent(collector, obj)
    return None
