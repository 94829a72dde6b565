import pytest

# How often this process made each module's fixture. A plain run makes it once per module, as
# sphinx's `_shared_result_cache` (which clears the shared build results) is made.
_made = {}


@pytest.fixture(scope="module", autouse=True)
def shared_results(request):
    name = request.module.__name__
    _made[name] = _made.get(name, 0) + 1
    yield _made[name]
