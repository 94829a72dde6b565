"""A class that fills a cache on first use, as lark's TestPythonParser builds its grammar once:
test_uses_cache fails in a process where test_fills_cache did not run before it."""
import os


class TestClassCache:
    filled_in = None

    def test_fills_cache(self):
        TestClassCache.filled_in = os.getpid()

    def test_uses_cache(self):
        assert TestClassCache.filled_in == os.getpid(), "the class's cache was filled in another process"
