extension PytestWarmPlugin {
    /// The part of the plugin's source that forks a warm session's twin fork server (see the
    /// docstring's TESTFLEET_WARM_TWIN) and says when a process is ready. Appended to `source`:
    /// one module.
    static let twinSource = #"""

def _ready_line():
    ready = {"ready": pytest.__version__}
    if _FORK:
        ready["pid"] = os.getpid()
    return ready


def _fork_twin(requests, results):
    """Forks this session's twin fork server (see the docstring) from the session as it is now.
    Returns None in the session, and the twin's own (requests, results) channels in the twin."""
    global _FORK, _CHANNELS
    fd_in, fd_out, fd_output = _TWIN_FDS
    sys.stdout.flush()
    sys.stderr.flush()
    middle = os.fork()
    if middle == 0:
        # Forked twice so that the twin is nobody's child here: the session never waits for it.
        try:
            if os.fork() != 0:
                os._exit(0)
            os.setsid()  # out of the session's process group, which a timeout kills whole
            _redirect_output(fd_output)
            requests.close()
            results.close()  # every line was flushed when sent: closing writes nothing
            _CHANNELS = (str(fd_in), str(fd_out))
            _FORK = True
            # A fork server imports what a grant needs, not what a share's listing left for the
            # session's first grant (forked before that grant, it would import them all).
            del _deferred[:]
            twin_requests, twin_results = _open_channels()
            return _Requests(twin_requests), twin_results
        except BaseException:
            os._exit(70)
    # The session: only the twin holds these now, so its death closes them for the worker.
    for fd in (fd_in, fd_out, fd_output):
        os.close(fd)
    while True:
        try:
            os.waitpid(middle, 0)
            break
        except InterruptedError:
            continue
    return None


def _redirect_output(fd_output):
    """Points every descriptor on the session's output (stdout, stderr, pytest's saved copies
    that capturing restores, the fault handler's) at `fd_output` instead."""
    shared = os.fstat(1)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd == fd_output:
            continue
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (shared.st_dev, shared.st_ino):
            os.dup2(fd_output, fd, inheritable=fd in (1, 2))
    os.close(fd_output)

"""#
}
