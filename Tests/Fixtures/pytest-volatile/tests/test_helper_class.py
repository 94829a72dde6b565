"""A class named like tests that pytest will not collect (it has an __init__), as markdown's
test_md_in_html.py has: a warning on its own, and an error in a plain run of the whole suite,
where test_filter_at_import.py, collected before it, made every warning an error until
collection ends (testfleet fixture)."""


class TestHelper:
    def __init__(self, name):
        self.name = name

    def test_never_collected(self):
        pass


def test_beside():
    pass
