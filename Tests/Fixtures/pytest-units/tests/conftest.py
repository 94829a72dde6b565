import os


def pytest_itemcollected(item):
    with open(os.environ["UNITS_LOG"], "a") as log:
        log.write("collected %s\n" % item.nodeid)
