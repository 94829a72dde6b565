import Foundation

extension PytestWarmPlugin {
    /// The directory under a cache root where warm sessions and fork servers keep the statement
    /// ranges pytest computed to show failures (`statementRangeSource`).
    static func statementRangeDirectory(under cacheRoot: String) -> String {
        (cacheRoot as NSString).appendingPathComponent("pytest-statement-ranges")
    }

    /// The part of the plugin's source that keeps, on disk under the worker's cache, where each
    /// statement pytest showed in a failure's traceback starts and ends (per source text, line
    /// and pytest and Python version). Appended to `source`: one module.
    ///
    /// Why: to show one traceback entry pytest parses the entry's whole file and walks the tree
    /// (`getstatementrange_ast`), and a process's first failure pays that for every file in the
    /// traceback. A fork server learns trees from its own children (`sourceTreeSource`), but a
    /// retry goes to another worker, whose server has had no child yet: beautifulsoup4's known
    /// break spent about 0.07 CPU-s of its 0.16 s retry parsing soupsieve's parser and bs4's
    /// element module, which its first attempt on the other worker had just parsed, and again in
    /// every later build. The range is a pure function of the text, the line and the versions,
    /// so whichever process on the machine found it first (the first attempt, an earlier build)
    /// spares the others the parse; a text that changed is another key and is parsed again.
    static let statementRangeSource = #"""

_RANGES = os.environ.pop("TESTFLEET_WARM_RANGES", "")  # where ranges are kept ("": nowhere)
_RANGE_FILE_LIMIT = 4096  # source texts with kept ranges; past it the oldest half goes
_range_files = {}  # text key -> {"line assertion": [start, end]}, as read or written here (_TREE_LIMIT texts)
_range_salt = []  # pytest's and Python's versions: another version may find other ranges
# Imported with the plugin, not at report time: the report is made before the failed test's
# teardown, while what the test replaced may still be in place.
import hashlib


def _range_key(text):
    if not _range_salt:
        _range_salt.append(("%s\n%s\n" % (pytest.__version__, sys.version)).encode())
    digest = hashlib.blake2b(_range_salt[0], digest_size=16)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read_ranges(path):
    try:
        with _open_file(path, "rb") as f:
            ranges = json.loads(f.read())
    except Exception:  # missing, not JSON, or a stand-in of the test in the way
        return {}
    return ranges if isinstance(ranges, dict) else {}


def _kept_range(text, lineno, assertion):
    """(key of `text`, (start, end) kept for its line `lineno`, or None); (None, None) when no
    directory was given or the text cannot be keyed."""
    if not _RANGES:
        return None, None
    try:  # nothing here may break the report (a test's stand-ins are still in place)
        key = _range_key(text)
        ranges = _range_files.get(key)
        if ranges is None:
            ranges = _read_ranges(os.path.join(_RANGES, key))
            while len(_range_files) >= _TREE_LIMIT:
                _range_files.pop(next(iter(_range_files)))
            _range_files[key] = ranges
        found = ranges.get("%d %d" % (lineno, bool(assertion)))
    except Exception:
        return None, None
    if isinstance(found, list) and len(found) == 2 and all(type(value) is int for value in found):
        return key, (found[0], found[1])
    return key, None


def _keep_range(key, lineno, assertion, found):
    """Adds `found` (getstatementrange_ast's answer) for `lineno` to the text's file, merged
    with what other processes kept there since (written whole, then renamed over it)."""
    try:
        _, start, end = found
        if type(start) is not int or type(end) is not int:
            return
        path = os.path.join(_RANGES, key)
        ranges = _read_ranges(path)
        new = not ranges
        ranges.update(_range_files.get(key) or {})
        ranges["%d %d" % (lineno, bool(assertion))] = [start, end]
        _range_files[key] = ranges
        os.makedirs(_RANGES, exist_ok=True)
        partial = "%s.%d.partial" % (path, os.getpid())
        with _open_file(partial, "w") as f:
            json.dump(ranges, f)
        os.replace(partial, path)
        if new:
            _prune_ranges()
    except Exception:  # a read-only or full disk: the report is made as without the cache
        pass


def _prune_ranges():
    """Past _RANGE_FILE_LIMIT files, removes the oldest half (by when they were last written)."""
    names = os.listdir(_RANGES)
    if len(names) <= _RANGE_FILE_LIMIT:
        return
    def written(name):
        try:
            return os.stat(os.path.join(_RANGES, name)).st_mtime
        except OSError:
            return 0.0
    for name in sorted(names, key=written)[:len(names) // 2]:
        try:
            os.unlink(os.path.join(_RANGES, name))
        except OSError:
            pass

"""#
}
