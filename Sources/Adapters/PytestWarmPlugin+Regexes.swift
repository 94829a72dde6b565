extension PytestWarmPlugin {
    /// The part of the plugin's source by which a fork server learns the regular expressions
    /// its children compiled (and, through the same file, the source trees they parsed: see
    /// `sourceTreeSource`). Appended to `source`: one module.
    ///
    /// Why: libraries build their patterns on first use in each process. A retry of a docutils
    /// test that highlights code spent 0.17 s of its 0.25 s in `re.compile`, building Pygments'
    /// lexers again in every child, and a failing test's retries and confirmation runs are up to
    /// seven children. A child lists the patterns it added to `re`'s cache (pattern and flags,
    /// nothing else); its server compiles them after the child ends, so later children inherit
    /// them compiled. A compiled pattern is an immutable value that `re` hands to whoever asks
    /// for the same pattern and flags, so no test's state reaches another test through it: a
    /// child still starts from a state in which no test ran.
    static let regexSource = #"""

_REGEX_LIMIT = 512  # `re` keeps at most this many compiled patterns
_learning_fd = []  # the server's anonymous file its children list what they learned in (made once)


def _regex_keys():
    cache = getattr(re, "_cache", None)
    return set(cache) if isinstance(cache, dict) else set()


def _learning_file():
    """The server's anonymous file, emptied for its next child; None where there is none. It
    has no name, so a server killed mid-grant leaves nothing behind."""
    try:
        if not _learning_fd:
            _learning_fd.append(os.memfd_create("testfleet-learned"))
        fd = _learning_fd[0]
        os.ftruncate(fd, 0)
        return fd
    except (AttributeError, OSError):
        return None


def _save_learned(fd, known):
    """In a child: lists the patterns in `re`'s cache that its server's cache (`known`) lacks,
    and the source texts it parsed for failure reports (see _learn_source_trees)."""
    if fd is None:
        return
    try:
        learned = [(key[1], key[2]) for key in list(getattr(re, "_cache", {}))
                   if key not in known and isinstance(key, tuple) and len(key) == 3
                   and isinstance(key[1], (str, bytes)) and isinstance(key[2], int)]
        if learned or _new_source_texts:
            os.pwrite(fd, marshal.dumps((learned[-_REGEX_LIMIT:], _new_source_texts[-_TREE_LIMIT:])), 0)
    except Exception:
        pass


def _learn_from_child(fd):
    """In a fork server: compiles the patterns its last child listed and parses its source texts."""
    if fd is None:
        return
    try:
        learned, texts = marshal.loads(os.pread(fd, os.fstat(fd).st_size, 0))
    except Exception:
        return
    _learn_source_trees(texts if isinstance(texts, list) else [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for pattern, flags in learned if isinstance(learned, list) else []:
            try:
                re.compile(pattern, flags)
            except Exception:
                pass

"""#
}
