# Module state shared by every test of one process.
PLUGINS = ["brain"]
