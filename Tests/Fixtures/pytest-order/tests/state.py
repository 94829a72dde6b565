# Module state shared by every test of one process.
POLLUTED = False
