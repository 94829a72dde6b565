"""Logs each `ast.parse` pytest makes to show a failure (its file name is "source"), with the
parsing process's id, to $PARSE_LOG when set (testfleet fixture: what fork servers learn)."""
import ast
import os

_parse = ast.parse


def _logging_parse(source, filename="<unknown>", *args, **kwargs):
    log = os.environ.get("PARSE_LOG")
    if log and filename == "source":
        with open(log, "a") as f:
            f.write("%d\n" % os.getpid())
    return _parse(source, filename, *args, **kwargs)


ast.parse = _logging_parse
