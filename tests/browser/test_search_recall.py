"""Chinese search finds what residents type, through the real search page in Chromium.

The index is cut by jieba at build time and the query by ICU in the browser;
portal/searchterms.py bridges the two. Each query below must bring its page
into the first 10 results of the search page, served from the /sgz/ sub-folder.
Several of them (marked "split") found nothing before that bridge: ICU cut
关爱, 启航, 调适 and 对接 into single characters that jieba had indexed whole.
"""
from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

TOP = 10

LINLI = tuple(f"stations/{s}/" for s in ("nanhu-hubin", "nanhu-hubin-wanghu", "nanhu-hubin-yugang",
                                         "nanhu-hubin-liuan", "nanhu-lianhua", "nanhu-lianhua-hetang",
                                         "nanhu-lianhua-qinglian", "nanhu-lianhua-fenghuang"))
XIANGTU = tuple(f"stations/{s}/" for s in ("xishan", "xishan-shimen", "xishan-shimen-zhennan",
                                           "xishan-shimen-daping", "xishan-shuanghe", "xishan-shuanghe-hedong",
                                           "xishan-shuanghe-yangliu", "xishan-shuanghe-qingshui", "xishan-yunwu",
                                           "xishan-yunwu-chashan", "xishan-yunwu-gaofeng"))

# (what a resident types, the page that must be among the first 10 results, why);
# a tuple of pages means any one of them will do.
RECALL = [
    # place names from data/regions.yaml: county, township, village
    ("东城区", "stations/dongcheng/", "county"),
    ("西山县", "stations/xishan/", "county"),
    ("岭口镇", "stations/beiling-lingkou/", "township"),
    ("云雾乡", "stations/xishan-yunwu/", "township"),
    ("莲花街道", "stations/nanhu-lianhua/", "street"),
    ("大坪村", "stations/xishan-shimen-daping/", "village"),
    ("石板桥社区", "stations/dongcheng-qingshi-shibanqiao/", "community"),
    ("上坝", "stations/beiling-lingkou-shangba/", "village without 村"),
    ("坪村", "stations/xishan-shimen-daping/", "middle of a name"),
    # full station names
    ("北岭县马鞍乡社工站", "stations/beiling-maan/", "station"),
    ("青石街道新街社区社会工作服务室", "stations/dongcheng-qingshi-xinjie/", "station"),
    ("南湖区湖滨街道社会工作服务站", "stations/nanhu-hubin/", "station"),
    # the first characters of a longer name
    ("石门镇大", "stations/xishan-shimen-daping/", "first 4 characters"),
    ("桂花镇丹", "stations/dongcheng-guihua-dangui/", "first 4 characters"),
    ("松林镇杉", "stations/beiling-songlin-shanmu/", "first 4 characters"),
    ("双河镇杨柳", "stations/xishan-shuanghe-yangliu/", "first 5 characters"),
    # full service names
    ("老年人巡访关爱", "services/elderly-visit/", "service, split"),
    ("婚姻家庭关系调适", "services/family-mediation/", "service, split"),
    ("就业信息与技能培训对接", "services/job-matching/", "service, split"),
    ("四点半课堂课业辅导", "services/homework-club/", "service"),
    # words from a service's summary: its own page, not only the many stations offering it (issue 11)
    ("防溺水", "services/child-summer/", "service summary"),
    ("护理补贴", "services/disability-support/", "service summary"),
    ("智能手机", "services/elder-learning/", "service summary"),
    ("刺绣", "services/women-skills/", "service summary"),
    ("加装电梯", "services/resident-council/", "service summary"),
    ("噪音 漏水", "services/dispute-mediation/", "service summary, two words"),
    # two-character words
    ("心理", "services/counseling/", "word"),
    ("养老", "services/elderly-visit/", "word"),
    ("关爱", "services/elderly-visit/", "word, split"),
    ("调解", "services/dispute-mediation/", "word"),
    ("禁毒", "services/drug-rehab-support/", "word"),
    ("康复", "services/disability-support/", "word"),
    # group names and aliases (data/services.yaml groups)
    ("老人", "services/elderly-visit/", "alias of 老年人"),
    ("留守儿童", "services/child-guardianship/", "alias of 儿童"),
    ("残疾人", "services/disability-support/", "group"),
    ("低保户", "services/assistance-casework/", "alias of 低保和特困家庭"),
    ("农民工", "services/migrant-integration/", "alias of 流动人口"),
    ("未成年人", "services/youth-prevention/", "alias of 青少年"),
    # operators (data/agencies.yaml)
    ("启航", "stations/beiling-songlin/", "operator, split"),
    ("滨江市启航社会工作服务中心", "stations/beiling-songlin/", "operator, full name"),
    ("邻里社会工作服务社", LINLI, "operator: any station it runs"),
    ("乡土社会工作服务中心", XIANGTU, "operator: any station it runs"),
    # two words
    ("石门镇 老人", "stations/xishan-shimen/", "place and group"),
    # plans, funds and community organisations (data/plans, data/resources.yaml)
    ("人才队伍建设", "plans/shi-talent-14th/", "plan"),
    ("湖滨街道社区慈善基金", "funds/hubin-fund/", "charity fund"),
    ("银发互助会", ("resources/", "stations/dongcheng-qingshi/"), "community organisation"),
]


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for this module: its HTTP cache keeps pagefind's files between tests."""
    shared = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    shared.set_default_timeout(15_000)
    yield shared
    shared.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    tab = context.new_page()
    yield tab
    tab.close()


def wait_done(page: Page) -> None:
    """search.js sets aria-busy="false" on the list when a search has been shown."""
    page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")


def shown(page: Page) -> list[str]:
    """Result links, as site paths relative to the sub-folder (stations/x/)."""
    hrefs = page.eval_on_selector_all("#sgz-results .sgz-card__title",
                                      "links => links.map(a => a.href)")
    return [urlsplit(h).path.removeprefix("/sgz/") for h in hrefs]


def total(page: Page) -> int:
    found = re.search(r"找到 (\d+) 个结果", page.inner_text("#sgz-status"))
    return int(found[1]) if found else 0


def open_search(page: Page, site_url: str, query: str, **filters: str) -> None:
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items())
    page.goto(f"{site_url}search/?{params}")
    wait_done(page)


@pytest.mark.parametrize("query,expected,why", RECALL, ids=[q for q, _, _ in RECALL])
def test_query_finds_page(page: Page, site_url: str, query: str, expected: str | tuple[str, ...],
                          why: str) -> None:
    open_search(page, site_url, query)
    top = shown(page)[:TOP]
    wanted = (expected,) if isinstance(expected, str) else expected
    assert set(wanted) & set(top), f"{query}({why}):前 {TOP} 个结果是 {top}"


def test_recall_set_is_large_enough() -> None:
    assert len(RECALL) >= 25
    assert len({q for q, _, _ in RECALL}) == len(RECALL), "duplicate query"


def test_result_cards(page: Page, site_url: str) -> None:
    """A station card: title link that opens from the sub-folder, kind, address, phone, open-now."""
    open_search(page, site_url, "大坪村")
    first = page.locator("#sgz-results > li").first
    assert first.locator(".sgz-card__kind").inner_text() == "站点"
    assert first.locator(".sgz-card__address").inner_text().startswith("地址:")
    assert first.locator("a.sgz-call").first.get_attribute("href").startswith("tel:")
    assert first.locator(".sgz-open-now").inner_text()
    excerpt = first.locator(".sgz-card__excerpt")
    assert excerpt.locator("mark").count() >= 1
    first.locator(".sgz-card__title").click()
    page.wait_for_load_state()
    assert page.url == f"{site_url}stations/xishan-shimen-daping/"
    assert page.locator("h1").inner_text() == "石门镇大坪村社会工作服务室"


def test_excerpts_show_page_text_not_search_forms(page: Page, site_url: str) -> None:
    """The hidden forms are metadata: an excerpt never shows a run of suffixes."""
    open_search(page, site_url, "启航")
    excerpts = page.eval_on_selector_all(".sgz-card__excerpt", "ps => ps.map(p => p.textContent)")
    assert excerpts
    for text in excerpts:
        words = text.split()
        soup = [(a, b) for a, b in zip(words, words[1:])
                if a != b and len(b) >= 2 and (a.endswith(b) or a.startswith(b))]
        assert not soup, f"search forms in an excerpt: {soup}"
        assert '"hours"' not in text, "the opening-hours metadata stays out of page text"


def test_empty_query_shows_suggestions(page: Page, site_url: str) -> None:
    open_search(page, site_url, "")
    assert page.locator("#sgz-suggest").is_visible()
    assert page.locator("#sgz-results > li").count() == 0


def test_no_results_shows_suggestions(page: Page, site_url: str) -> None:
    open_search(page, site_url, "潜水艇")
    assert "没有找到" in page.inner_text("#sgz-status")
    assert page.locator("#sgz-suggest").is_visible()
    assert page.locator("#sgz-suggest a").first.get_attribute("href").startswith("../")


# -- filters: filled from pagefind/filters.json; choosing one narrows the results -------------

FILTERS = [
    ("county", "西山县"),
    ("level", "村(社区)服务室"),
    ("domain", "心理健康"),
    ("group", "残疾人"),
    ("type", "规划指标"),
    ("type", "慈善基金"),
    ("type", "社区社会组织"),
]


def filter_values(site_url: str, path: str, name: str) -> list[str]:
    """The values a built page declares for a pagefind filter, read from its HTML."""
    with urllib.request.urlopen(f"{site_url}{path}") as response:
        html = response.read().decode("utf-8")
    return re.findall(rf'data-pagefind-filter="{name}">([^<]*)<', html)


@pytest.mark.parametrize("name,value", FILTERS, ids=[n for n, _ in FILTERS])
def test_filter_narrows_results(page: Page, site_url: str, name: str, value: str) -> None:
    open_search(page, site_url, "服务")
    before = total(page)
    select = page.locator(f'select[data-filter="{name}"]')
    assert value in select.locator("option").all_inner_texts(), "options come from pagefind/filters.json"
    select.select_option(value)
    wait_done(page)
    after, results = total(page), shown(page)
    assert 0 < after < before
    for path in results:
        assert value in filter_values(site_url, path, name), f"{path} is not {name}={value}"
    assert f"{name}=" in page.url, "the address bar keeps the chosen filter"
    # The same address opened afresh gives the same results (filters chosen from the URL).
    page.goto(page.url)
    wait_done(page)
    assert shown(page) == results


# -- the bridge itself (portal/searchterms.py), no browser needed ---------------------------------

def test_every_piece_of_a_name_starts_some_form() -> None:
    """Whatever ICU cuts from a name is a substring of it, so it must start one of the forms."""
    from sgz_portal.pages.searchterms import index_terms
    name = "岭口镇上坝村社会工作服务室"
    forms = index_terms([name]).name.split()
    pieces = {name[i:j] for i in range(len(name)) for j in range(i + 1, len(name) + 1)}
    assert all(any(f.startswith(p) for f in forms) for p in pieces)
    assert len(forms) == len(set(forms)) <= len(name)


def test_forms_are_deduplicated_and_split_into_fields() -> None:
    from sgz_portal.pages.searchterms import index_terms
    terms = index_terms(["大坪村"], ["大坪村", "坪村社区", "石门镇"])
    assert terms.name.split() == ["坪村", "大坪村", "村"]
    more = terms.more.split()
    assert "大坪村" not in more, "already a name form"
    assert "社" not in more and "社区" in more, "a form that starts a longer one is left out"
    assert sorted(index_terms(["启航 2027年度"]).name.split()) == sorted(["启航", "航", "年度", "度"])


def test_results_come_ten_at_a_time(page: Page, site_url: str) -> None:
    """Each result shown costs its fragment: ten first, the next ten on 显示更多结果, with focus on
    the first new one (a keyboard or screen-reader user goes on reading where the list grew)."""
    open_search(page, site_url, "社区")
    found = total(page)
    assert found > 20
    assert page.locator("#sgz-results > li").count() == 10
    assert "显示前 10 个" in page.inner_text("#sgz-status")
    more = page.locator("#sgz-more")
    more.click()
    wait_done(page)
    assert page.locator("#sgz-results > li").count() == 20
    assert "显示前 20 个" in page.inner_text("#sgz-status")
    assert page.evaluate("document.activeElement === document.querySelectorAll('#sgz-results .sgz-card__title')[10]")
    while more.is_visible():
        more.click()
        wait_done(page)
    assert page.locator("#sgz-results > li").count() == found
    assert f"找到 {found} 个结果" == page.inner_text("#sgz-status")
    open_search(page, site_url, "大坪村")
    assert 0 < page.locator("#sgz-results > li").count() <= 10
    assert not more.is_visible()
