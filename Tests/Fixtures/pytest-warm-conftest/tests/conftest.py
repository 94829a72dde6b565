import pytest


@pytest.fixture(params=["a", "b"])
def source(request):
    return request.param
