def pytest_collection_modifyitems(items):
    # A stable sort over the whole suite, as pytest-django's: marked tests go last.
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
