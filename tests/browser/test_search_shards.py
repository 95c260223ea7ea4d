"""A large site is indexed in shards and the shards joined into one bundle (site/shards.py). Here the
sample is cut into shards of 40 files and joined. The joined index must hold the words of one
pagefind run, each on the same pages at the same locations; pagefind in Chromium must find the same
pages for every query, filters included; and the joined index must be the same bytes whichever
shards came from the store."""
from __future__ import annotations

import gzip
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sgz_portal.site import rejoin, search, shards

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from search_weight import served

from tests.browser.test_search_recall import RECALL
from tests.sitetext import digest

QUERIES = sorted({query for query, _, _ in RECALL} | {"服务", "社区", "老人 心理", "调解 纠纷", "潜水艇"})
FILTERED = [("服务", {"county": "西山县"}), ("社区", {"group": "残疾人"}), ("", {"type": "规划指标"}),
            ("站", {"level": "村(社区)服务室", "domain": "心理健康"})]

# Pagefind widens a query word to the words it starts among the chunks loaded so far, so what a
# query finds depends on where chunks are cut, and a join cuts at its word ranges where one run
# does not. Every chunk is loaded first, so that both indexes answer from all their words. Scores
# are not compared: they too move with the cut, even with every chunk loaded (the sample's words
# joined into one chunk or into many score 乡土社会工作服务中心 differently), which
# test_joined_index_holds_the_same_words shows is not a difference in the words.
PRELOAD_JS = """async (starts) => {
  const pf = await import(new URL("../pagefind/pagefind.js", location.href).href);
  await pf.options({ baseUrl: new URL("..", location.href).pathname, ranking: { metaWeights: { name: 5, more: 0 } } });
  for (const start of starts) { await pf.preload(start); }
}"""

RESULTS_JS = """async ([query, filters]) => {
  const pf = await import(new URL("../pagefind/pagefind.js", location.href).href);
  const chosen = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k + "=" + v, v]));
  const found = await pf.search(query || null, { filters: chosen });
  const out = [];
  for (const r of found.results) { out.push([(await r.data()).url, r.score]); }
  return out;
}"""


def _bundles(store: Path) -> list[Path]:
    """The stored shards (beside them, the last join's record: site/rejoin.py)."""
    return [p for p in store.iterdir() if p.name != rejoin.FOLDER]


def _shard(site: Path, into: Path, store: Path, reuse: bool, monkeypatch: pytest.MonkeyPatch) -> int:
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("pagefind"))
    monkeypatch.setattr(shards, "SHARD_FILES", 10)
    return shards.index(into, store, reuse=reuse)


@pytest.fixture(scope="module")
def joined(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        root = tmp_path_factory.mktemp("shards")
        assert _shard(built_site, root / "site", root / "store", False, monkeypatch) == 0
        assert len(_bundles(root / "store")) > 5  # the sample really was cut in shards
        yield root / "site"


@pytest.fixture(scope="module")
def one_run(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample indexed by one pagefind run, as it wrote it (the build joins even one shard)."""
    site = tmp_path_factory.mktemp("one-run") / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("pagefind"))
    search.index(site)
    return site


def _results(browser, site: Path, cases: list[tuple[str, dict[str, str]]]) -> list[list[list]]:
    with served(site) as url:
        page = browser.new_page()
        try:
            page.goto(url + "search/")
            meta = search.read_index_file(next((site / "pagefind").glob("*.pf_meta")))
            page.evaluate(PRELOAD_JS, [start for start, _, _ in meta[2]])
            return [page.evaluate(RESULTS_JS, [query, filters]) for query, filters in cases]
        finally:
            page.close()


def test_joined_shards_answer_as_one_index(browser, one_run: Path, joined: Path) -> None:
    cases = [(q, {}) for q in QUERIES] + FILTERED
    one, parts = _results(browser, one_run, cases), _results(browser, joined, cases)
    assert sum(1 for found in one if found) > len(cases) * 3 // 4  # the queries do find things
    for (query, filters), expected, got in zip(cases, one, parts):
        assert dict(got).keys() == dict(expected).keys(), (query, filters)


def _fragment(path: Path) -> dict:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(search.SIGNATURE)
    return json.loads(data[len(search.SIGNATURE):])


def _words(site: Path) -> list[list]:
    """Every word of a bundle with its pages (by URL) and locations, in word order, whatever the
    chunks. A light word may be in more than one chunk (chunks.light_sources): every copy is
    the same entry."""
    meta = search.read_index_file(next((site / "pagefind").glob("*.pf_meta")))
    urls = [_fragment(site / "pagefind" / "fragment" / f"{name}.pf_fragment")["url"] for name, _ in meta[1]]
    out: dict[str, list] = {}
    for _, _, name in meta[2]:
        for word, pages, *rest in search.read_index_file(site / "pagefind" / "index" / f"{name}.pf_index")[0]:
            number, postings = 0, []
            for delta, locations, meta_locations in pages:
                number += delta
                postings.append([urls[number], locations, meta_locations])
            entry = [word, sorted(postings), *rest]
            assert out.setdefault(word, entry) == entry, word
    return [out[word] for word in sorted(out)]


@pytest.mark.parametrize("shards_of", ["40 files", "the whole site"])
def test_joined_index_holds_the_same_words(one_run: Path, joined: Path, built_site: Path, shards_of: str) -> None:
    """Joined, the index holds the words of one pagefind run, each on the same pages at the same
    locations: only which words share a chunk file may differ (the build joins even one shard)."""
    one, parts = _words(one_run), _words(joined if shards_of == "40 files" else built_site)
    assert [w[0] for w in parts] == [w[0] for w in one]
    assert parts == one
    assert len(one) > 1000


def test_joined_index_lists_the_same_choices(built_site: Path, joined: Path) -> None:
    name = "pagefind/filters.json"
    assert (joined / name).read_bytes() == (built_site / name).read_bytes()


def test_shards_from_the_store_give_the_same_bytes(built_site: Path, joined: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Index once into a store, change one page, index again reusing the store: the index equals
    that of a run that reused nothing, and only the changed page's shard was indexed again."""
    store = tmp_path / "store"
    _shard(built_site, tmp_path / "first", store, False, monkeypatch)
    edited = tmp_path / "edited"
    shutil.copytree(built_site, edited, ignore=shutil.ignore_patterns("pagefind"))
    page = next(p for p in sorted(edited.glob("stations/*/index.html")))
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "改</h1>", 1), encoding="utf-8")
    shards_total = len(_bundles(store))
    taken = _shard(edited, tmp_path / "again", store, True, monkeypatch)
    assert taken == shards_total - 1
    fresh = _shard(edited, tmp_path / "fresh", tmp_path / "other", False, monkeypatch)
    assert fresh == 0
    assert digest(tmp_path / "again" / "pagefind") == digest(tmp_path / "fresh" / "pagefind")
    assert len(_bundles(store)) == shards_total  # the replaced shard is gone from the store


@pytest.mark.parametrize("damaged", ["a shard", "the last join"])
def test_a_damaged_stored_file_does_not_reach_the_index(built_site: Path, tmp_path: Path, damaged: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored shard's chunk that is read and found damaged has the shards indexed again (one
    that is not read does not reach the index); a kept chunk of the last join that changed since
    it was written is not linked into the index (a full join instead)."""
    store = tmp_path / "store"
    _shard(built_site, tmp_path / "first", store, False, monkeypatch)
    folder = _bundles(store)[0] if damaged == "a shard" else store / rejoin.FOLDER
    chunk = next(folder.glob("index/*.pf_index"))
    chunk.write_bytes(chunk.read_bytes()[:20])
    _shard(built_site, tmp_path / "again", store, True, monkeypatch)
    _shard(built_site, tmp_path / "fresh", tmp_path / "other", False, monkeypatch)
    assert digest(tmp_path / "again" / "pagefind") == digest(tmp_path / "fresh" / "pagefind")


def test_the_joined_index_does_not_depend_on_the_cores(built_site: Path, joined: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Word ranges are joined in separate processes when there are cores for it, one after the
    other otherwise: the same bytes either way."""
    monkeypatch.setattr(shards, "PARALLEL", 1)
    _shard(built_site, tmp_path / "one", tmp_path / "store", False, monkeypatch)
    assert digest(tmp_path / "one" / "pagefind") == digest(joined / "pagefind")
    starts = sorted({c[0] for b in _bundles(tmp_path / "store") for c in search.read_index_file(next(b.glob("*.pf_meta")))[2]})
    assert len(starts) >= shards.JOIN_PARTS  # so the words were cut into JOIN_PARTS ranges
