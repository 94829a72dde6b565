import pytest


@pytest.mark.dependency()
def test_base():
    pass


@pytest.mark.dependency(name="named")
def test_named():
    pass


@pytest.mark.dependency()
def test_broken():
    assert False, "a dependency that fails"


class TestInClass:
    @pytest.mark.dependency()
    def test_first(self):
        pass

    @pytest.mark.dependency(depends=["test_first"], scope="class")
    def test_second(self):
        pass


@pytest.mark.dependency(depends=["test_base", "named"])
def test_needs_both():
    pass


@pytest.mark.dependency(depends=["tests/test_dependency.py::test_base"], scope="session")
def test_needs_session():
    pass


@pytest.mark.dependency(depends=["test_broken"])
def test_needs_broken():
    pass
