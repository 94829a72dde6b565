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


# Where a module of the project asked for the working directory while it was imported
# ("path:line"), before the session's twin was forked or refused (see _kept_working_directory).
_ASKED_FOR_CWD = []
_WATCHING_CWD = [False]
_PROJECT_ROOTS = [_STARTED_IN + os.sep]
# The real os.getcwd is `_getcwd`, taken when this module loads (PytestOnlyPlugin.leftDirectorySource).


def _watched_getcwd():
    """os.getcwd, noting the first project module (or class) body that calls it, itself or
    through the functions it calls: paramiko's `ROOT = os.getcwd()`, gunicorn's
    `Chdir.default`, flask's `cwd = Path.cwd()`. A call made while a module of the standard
    library or site-packages runs its body is that module's (multiprocessing keeps
    ORIGINAL_DIR, hypothesis its database's directory): counted, they refused the twin of 24 of
    about 120 real suites, against 6."""
    cwd = _getcwd()
    if _WATCHING_CWD[0] and not _ASKED_FOR_CWD:
        frame = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            if not code.co_flags & inspect.CO_OPTIMIZED:  # the nearest module or class body
                name = code.co_filename
                if name.startswith(tuple(_PROJECT_ROOTS)) and "-packages" + os.sep not in name:
                    _ASKED_FOR_CWD.append("%s:%d" % (name, frame.f_lineno))
                break
            frame = frame.f_back
    return cwd


def _watch_getcwd():
    """From before the initial conftests load (pytest_load_initial_conftests), in a session that
    may fork a twin: the conftests and test modules import after it."""
    _WATCHING_CWD[0] = True
    os.getcwd = _watched_getcwd


def _kept_working_directory():
    """Where the project kept the directory this session was imported in, or None; watching
    ends. A twin's children work in a mirror of their own, so such a value would point them at
    the session's files: paramiko's test SFTP server serves ROOT = os.getcwd(), taken when its
    conftest imported it, while its tests make their folder under the working directory (every
    SFTP test a twin's child ran failed). A fork server of its own imports in the mirror instead.
    Modules imported later are imported by the children themselves, in their mirror."""
    if _WATCHING_CWD[0]:
        _WATCHING_CWD[0] = False
        if os.getcwd is _watched_getcwd:
            os.getcwd = _getcwd
    return _ASKED_FOR_CWD[0] if _ASKED_FOR_CWD else None


def _refuse_twin(why):
    """Forks no twin and says why on its channel (the worker then starts a fork server of its
    own): the channels' end of file alone may never come, a shell between the worker and this
    process holding them too."""
    fd_in, fd_out, fd_output = _TWIN_FDS
    line = {"refused": "no twin fork server: %s keeps the working directory it was imported in" % why}
    try:
        os.write(fd_out, (json.dumps(line) + "\n").encode())
    except OSError:
        pass
    for fd in (fd_in, fd_out, fd_output):
        os.close(fd)
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
