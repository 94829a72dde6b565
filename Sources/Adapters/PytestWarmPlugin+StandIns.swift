extension PytestWarmPlugin {
    /// The part of the plugin's source that finds, for an id collection no longer yields, the
    /// item that stands in its place: the same test function, parametrised with a value that
    /// changes from one collection to the next. Appended to `source`: one module.
    ///
    /// Why: a later build plans from the inventory a previous collection listed, and pytest
    /// makes a parametrisation's id from its value. marshmallow parametrises a test with
    /// `dt.datetime.now().strftime(…)`, so its ids name the second they were collected in
    /// (`test_invalid_datetime_deserialization[07:06:41 2026-12-02]`); an hour later the ids the
    /// plan holds exist nowhere, while a plain pytest run, which collects and runs in one go,
    /// passes them. Such a test is still the same test: it is run as the item collected now and
    /// reported under the id the inventory gave it, so counts and history match a plain run.
    static let standInSource = #"""

# Ids this process was asked for or listed (an item with one of these ids is no stand-in: the
# plan runs it under its own id), the stand-in found for each id asked for so far (a retry in a
# fork server, or a later grant, gets the same one), and, for the grant being run, the id each
# stand-in item reports under.
_known_ids = set()
_stand_in_for = {}
_aliases = {}
# The ids grants asked for, and what this session's share of a listing listed ({"files", "ids"}):
# when another session lists the whole suite, the run takes that listing instead (see
# _forget_a_listing_not_taken).
_asked_ids = set()
_share_listed = {}
# Numbers, addresses, and hex runs of eight or more with a digit: a uuid's hex, as in rdflib's
# blank-node ids (`N172695e11ac641d2b28dd8ad0c07b32e`), whose letters change along with its digits.
_VOLATILE = re.compile(r"0x[0-9a-fA-F]+|(?<![0-9a-fA-F])(?=[a-fA-F]*[0-9])[0-9a-fA-F]{8,}(?![0-9a-fA-F])|[0-9]+")


def _name(item):
    """The id `item` is reported under: the id asked for when it stands in for one."""
    own = _id_of(item)
    return _aliases.get(own, own)


def _shape(node_id):
    """(function id, parameters with every number, address and uuid as 0): what a volatile id
    keeps from one collection to the next."""
    base, _, parameters = node_id.partition("[")
    return base, _VOLATILE.sub("0", parameters)


def _stand_ins(missing, asked):
    """Items collected now for the parametrised ids in `missing`: per function, the items of
    the same shape that no grant asked for by their own id, paired in collection order with the
    missing ids in the order they were asked for. An id with no such item stays missing."""
    _forget_a_listing_not_taken(missing)
    found = {}
    wanted = {}
    for node_id in missing:
        item = _stand_in_for.get(node_id)
        if item is not None:
            found[node_id] = item
        elif "[" in node_id:
            wanted.setdefault(_shape(node_id), []).append(node_id)
    if not wanted:
        return found
    used = {_id_of(item) for item in _stand_in_for.values()}
    spare = _spares({base for base, _ in wanted}, used.union(asked))
    for key, ids in wanted.items():
        for node_id, item in zip(ids, spare.get(key, [])):
            found[node_id] = item
            _stand_in_for[node_id] = item
    return found


def _forget_a_listing_not_taken(missing):
    """A grant that names an id this session does not hold in a file its share listed means the
    run took another session's listing of the whole suite (see _list_everything): the ids this
    one listed are not the plan's, and its items may stand in for the plan's. rdflib 7.1.1 makes
    blank nodes (uuid ids) at import: its ids in the two listings differ, and the session whose
    listing was not taken ran two of its tests cold, where such an id cannot exist."""
    if not _share_listed or not any(_file_of(node_id) in _share_listed["files"] for node_id in missing):
        return
    _known_ids.difference_update(_share_listed["ids"] - _asked_ids)
    _share_listed.clear()


def _spares(bases, excluded=frozenset()):
    """The items collected now of the test functions `bases` that no grant asked for by their
    own id (nor are in `excluded`), by shape (_shape), in collection order."""
    spare = {}
    for node_id, item in _items.items():
        if node_id.partition("[")[0] in bases and node_id not in _known_ids and node_id not in excluded:
            spare.setdefault(_shape(node_id), []).append(item)
    return spare


def _broken_collector_of(node_id):
    """The failed collection report of the class (or other collector below its module) that
    holds `node_id`, or is it; None when none failed."""
    parts = node_id.partition("[")[0].split("::")
    for end in range(2, len(parts) + 1):
        report = _broken_collectors.get("::".join(parts[:end]))
        if report is not None:
            return report
    return None
"""#
}
