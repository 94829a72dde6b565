import os
import re

PATTERN = r"testfleet-regex-cache-(first|later)-[0-9]+"


def test_compiles_a_pattern():
    cached = any(isinstance(key, tuple) and len(key) == 3 and key[1] == PATTERN for key in list(re._cache))
    with open(os.environ["REGEX_LOG"], "a") as log:
        log.write("cached\n" if cached else "compiled\n")
    assert re.compile(PATTERN).match("testfleet-regex-cache-later-7")
