"""What a generated page's view is made from, named by data file and station record: its inputs.

An incremental build (site/plugin.py) reuses a page whose inputs are those the previous build
recorded, without computing its view at all. For a province, computing and hashing the views of
75,000 unchanged pages was a third of an incremental build (issue 11). A page's inputs are:

- **the shared files**: every data file that holds no station or project record (site, regions,
  services, agencies, resources, rules, plans). A change to any of them recomputes every view;
- **the station records** the view reads, in the order the model gives them, each with the digest
  of its record as parsed (data/load.record_digests): a province keeps a county's 200 stations in
  one file, and one phone number changed there made all their views be computed again. A record
  that joins or leaves the view (a new child) changes the list; a record that changes changes its
  digest;
- **the project files** the view reads, each with its digest (a project is one file);
- **values** the view derives from records it does not read, as they are: whether a region's page
  is stood in for by a station (which counts every station under it), the rule findings about the
  record (rules compare records across files), and the size of each photo (an image, not data).

So no view can change while its inputs stay the same. Stations, their posters, projects, regions,
agencies and services have inputs; the views of the dozen other pages, which list or count every
record, are always computed, but a part of one derived only from what a page with inputs reads is
kept under that page's inputs (`Kept`: the disclosure portal's row of each county). Without the
files' digests (a build that read its data without a memo) no page has inputs.
`tests/test_inputs.py` edits every kind of record a station or project page reads and checks that
a view never changes under equal inputs.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from sgz_portal.data.memo import Memo
from sgz_portal.data.model import shared_digest
from sgz_portal.pages.context import Context
from sgz_portal.pages.disclosure import groups
from sgz_portal.pages.specs import PageSpec

# (station records, project files, derived values)
Read = tuple[Iterable[str], Iterable[str], object]


def _station(ctx: Context, sid: str) -> Read:
    p = ctx.p
    st = p.stations[sid]
    stations = [sid, *([st.parent] if st.parent else []), *p.station_children.get(sid, [])]
    projects = [p.projects[x].source.file for x in p.projects_by_station.get(sid, [])]
    values = ([ctx.standins.get(r.code) for r in p.region_path(st.region)], ctx.findings.get(sid, []),
              [p.photo_sizes.get(ref) for ref in (st.signage_photo, *st.photos) if ref])
    return stations, projects, values


def _project(ctx: Context, pid: str) -> Read:
    p = ctx.p
    pr = p.projects[pid]
    return pr.stations, [pr.source.file], ctx.findings.get(pid, [])


def _region(ctx: Context, code: str) -> Read:
    """The stations under the region. Whether a region below it is stood in for by a station
    depends only on those stations; the regions above it have regions below them, so none is."""
    return ctx.subtree.get(code, []), [], None


def _agency(ctx: Context, aid: str) -> Read:
    """The agency (a shared file), the stations it runs and its projects."""
    p = ctx.p
    return p.stations_by_agency.get(aid, []), [p.projects[x].source.file for x in p.projects_by_agency.get(aid, [])], None


def _service(ctx: Context, sid: str) -> Read:
    """The service (a shared file) and the stations that offer it, by county, each county linked
    to its page or to the station that stands in for it."""
    p = ctx.p
    stations = p.stations_by_service.get(sid, [])
    counties = sorted(set(map(ctx.county_of_station.__getitem__, stations)))
    return stations, [], [ctx.standins.get(c) for c in counties]


def _disclosure_county(ctx: Context, code: str) -> Read:
    """The county's stations and the projects that serve them, the findings about each, and
    whether the county's region page is stood in for by a station (its link)."""
    by_group, projects_by_group = groups(ctx)
    sids, pids = by_group[code], projects_by_group[code]
    return sids, [ctx.p.projects[x].source.file for x in pids], (
        ctx.standins.get(code), [ctx.findings.get(x, []) for x in [*sids, *pids]])


# The poster shows its station's view and the site's name: the station's inputs.
KINDS: dict[str, Callable[[Context, str], Read]] = {"station": _station, "poster": _station, "project": _project,
                                                    "region": _region, "agency": _agency, "service": _service,
                                                    "disclosure_county": _disclosure_county}


class Inputs:
    """The inputs key of each page that has one, for one build's model."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.digests = ctx.p.digests
        self.records = ctx.p.record_digests
        self.shared = shared_digest(ctx.p)
        self._seen: dict[tuple[Callable[[Context, str], Read], str], str] = {}
        # Each station record's line, written once: a service's page reads thousands of stations,
        # and writing their lines again for each took a quarter of a province's 75,000 keys.
        self._lines = {sid: f"{sid} {digest}\n" for sid, digest in self.records.items()}

    def key(self, spec: PageSpec) -> str | None:
        """A digest of the page's spec and inputs, or None where the page has no inputs (its
        view decides)."""
        read = KINDS.get(spec.kind)
        if read is None or not self.digests:
            return None
        return hashlib.sha256(f"{spec!r}\n{self.shared}\n{self._named(read, spec.key)}".encode()).hexdigest()

    def _named(self, read: Callable[[Context, str], Read], key: str) -> str:
        """What `read` reads for `key`, written out; kept, as a station's page and its poster
        read the same."""
        named = self._seen.get((read, key))
        if named is None:
            stations, projects, values = read(self.ctx, key)
            named = "".join([*map(self._lines.__getitem__, stations),
                             *(f"{f} {self.digests[f]}\n" for f in sorted(set(projects))), repr(values)])
            self._seen[(read, key)] = named
        return named


class Kept:
    """Context.keep: a value derived only from what one page reads, kept in the build's memo
    (data/memo.py) under that page's inputs key, so that it is not made again while they stay the
    same, even where the page itself is not rendered (the disclosure portal's row of each county).
    Made, not kept, where the page has no inputs."""

    def __init__(self, inputs: Inputs, memo: Memo, specs: Iterable[PageSpec]) -> None:
        self.inputs, self.memo = inputs, memo
        self.specs = {(spec.kind, spec.key): spec for spec in specs if spec.kind in KINDS}

    def __call__(self, name: str, kind: str, key: str, make: Callable[[], object]) -> object:
        spec = self.specs.get((kind, key))
        inputs = self.inputs.key(spec) if spec is not None else None
        if inputs is None:
            return make()
        entry = self.memo.key("kept", name, inputs)
        value = self.memo.get(entry)
        if value is None:
            value = make()
            self.memo.put(entry, value)
        return value
