extension PytestOnlyPlugin {
    /// The part of both plugins' source that keeps pytest-xdist from distributing a testfleet
    /// process's tests. A suite whose addopts say `-n auto` (or any `-n`, `--dist`, `--tx`) had
    /// each warm session, fork server and narrowed batch start its own xdist workers beside it,
    /// which then sat idle (the process runs its grants itself): a later build of an 81-test
    /// suite took 0.9–1.3 s instead of 0.5 s. testfleet's workers are the distribution; each
    /// process runs what it is granted itself, as `-n 0` would. Appended to `source`: one module.
    static let noDistributionSource = #"""


def _without_distribution(config):
    """Turns pytest-xdist's distribution off for this process (before xdist's own
    pytest_configure, which starts the workers when a mode and hosts are set)."""
    option = config.option
    if getattr(option, "numprocesses", None) or getattr(option, "tx", None):
        option.numprocesses = 0
        option.dist = "no"
        option.tx = []
"""#
}
