import pytest


class AlikeItem(pytest.Item):
    """A test named after its module, as PyYAML 6.0.2's legacy tests are: items of one module
    share one node id."""

    def __init__(self, *, function, **kwargs):
        super().__init__(**kwargs)
        self._function = function

    def runtest(self):
        self._function()

    def reportinfo(self):
        return self.path, 0, self.name


@pytest.hookimpl(hookwrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    outcome = yield
    if getattr(obj, "alike", False):
        outcome.force_result(AlikeItem.from_parent(collector, name=collector.name, function=obj))
