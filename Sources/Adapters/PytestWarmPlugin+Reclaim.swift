extension PytestWarmPlugin {
    /// The part of the plugin's source that reads the worker's requests and gives tests back
    /// (appended to `source`, one module): a grant's tests after a point, not yet started, when
    /// the coordinator wants them for a worker that ran out of work.
    static let reclaimSource = #"""


class _Requests:
    """The worker's requests, one JSON object per line, read from the raw descriptor: a grant
    ({"ids"}) between grants, and a reclaim ({"drop_after"}) while one runs, which `poll` sees
    without blocking (a buffered file object could hold it where select() cannot see it)."""

    def __init__(self, fd):
        self._fd = fd
        self._buffer = bytearray()
        self._requests = []
        self._ended = False

    def _read(self):
        chunk = os.read(self._fd, 1 << 16)
        if not chunk:
            self._ended = True
        self._buffer += chunk
        *lines, rest = self._buffer.split(b"\n")
        self._buffer = bytearray(rest)
        self._requests += [json.loads(line) for line in lines if line.strip()]

    def next(self):
        """The next request, waiting for it; None once the worker closed the pipe."""
        while not self._requests and not self._ended:
            self._read()
        return self._requests.pop(0) if self._requests else None

    def poll(self):
        """The requests that have arrived, without waiting."""
        while not self._ended and select.select([self._fd], [], [], 0)[0]:
            self._read()
        taken, self._requests = self._requests, []
        return taken

    def close(self):
        os.close(self._fd)


def _hand_back(order, index, request, results):
    """Gives back the tests of `order` after request["drop_after"], before order[index] starts.
    That test stays (pytest set up for it when it was named the previous test's next item), and
    so does everything before it; the rest is cut from `order` and listed in the answer."""
    ids = [item.nodeid for item in order]
    try:
        cut = ids.index(request["drop_after"]) + 1
    except ValueError:
        cut = len(ids)  # not in this grant: nothing to give back
    cut = max(cut, index + 1)
    del order[cut:]
    _send(results, {"dropped": ids[cut:], "reclaim": request.get("reclaim")})
"""#
}
