"""Synthetic, contract-valid `data/` trees of any size, for the benchmark.

`generate(n, out_dir)` writes exactly n stations in the shape of a real
four-level network: one city centre, counties of ~20 townships, townships of
~8 villages (each station with its own region), ~30 services, one agency per
county plus a few city-wide ones, and an operating project (with monthly briefs,
self-assessments and evaluations) for most township stations, so every rule
runs. A few records carry deliberate warnings (late briefs, stale entries),
never errors. Same n and seed -> same bytes.

    python bench/generate.py 5000 /tmp/bench-data     # writes and checks the tree
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

from sgz_portal.data.validate import USCC_CHARS, uscc_check_char  # noqa: E402

AS_OF = dt.date(2026, 10, 31)
CITY_CODE = "990100"
TOWNSHIPS_PER_COUNTY = (16, 24)  # inclusive range, mean 20
VILLAGES_PER_TOWNSHIP = (5, 11)  # inclusive range, mean 8
HEADER = "# 基准测试数据(bench/generate.py 自动生成,虚构)— synthetic benchmark data\n"
SYLLABLES = ["东", "西", "南", "北", "青", "石", "文", "庙", "河", "坝", "桂", "花", "云", "雾", "龙", "潭", "湖", "滨", "莲", "新", "桥", "柏", "杨", "双", "清", "水", "茶", "山", "高", "峰", "白", "果", "竹", "林", "岩", "门", "金", "银", "凤", "凰", "柳", "岸", "望", "渔", "港", "书", "院", "学", "府", "钟", "楼", "大", "坪", "兴", "隆", "安", "宁", "太", "平", "长", "乐", "永", "和", "福", "寿", "红", "星", "光", "明", "团", "结", "胜", "利", "友", "谊", "富", "民", "丰", "收", "宝", "华"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "高", "林"]
GIVEN = ["建", "丽", "志", "强", "秀", "英", "晓", "敏", "华", "军", "芳", "娟", "伟", "静", "磊", "洋", "艳", "勇", "霞", "涛"]
HOURS = (
    [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:30", "close": "12:00"},
     {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "14:00", "close": "17:30"}],
    [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:30"},
     {"days": ["sat"], "open": "09:00", "close": "12:00"}],
    [{"days": ["mon", "wed", "fri"], "open": "09:00", "close": "17:00"}],
)
FACILITIES = ["接待区", "个案室", "小组活动室", "多功能室", "档案室", "阅览区", "谈心室"]
DOMAINS = [("social-assistance", "社会救助"), ("elderly", "养老服务"), ("child-welfare", "儿童福利"),
           ("social-affairs", "社会事务"), ("community-governance", "社区治理"),
           ("mental-health", "心理健康"), ("education", "教育辅导"), ("employment", "就业帮扶"),
           ("correction", "矫治帮扶"), ("drug-rehab", "禁毒戒毒"), ("mediation", "纠纷调解"),
           ("emergency", "应急处置"), ("culture", "社区文化")]
GROUPS = [("elderly", "老年人", ["老人", "空巢老人", "独居老人"]), ("children", "儿童", ["留守儿童", "困境儿童"]),
          ("youth", "青少年", ["未成年人"]), ("disabled", "残疾人", ["残障人士"]),
          ("low-income", "低保和特困家庭", ["低保户", "困难群众"]), ("women", "妇女", ["女性"]),
          ("family", "家庭", ["家长", "亲子"]), ("migrants", "流动人口", ["外来务工人员"]),
          ("corrections", "社区矫正对象", ["安置帮教对象"]), ("rehab", "社区戒毒社区康复人员", ["戒毒康复人员"]),
          ("residents", "全体居民", ["居民", "村民"])]
# A service is named by its domain plus one of these words: 30 services over 13 domains.
SERVICE_WORDS = ["主动发现", "个案帮扶", "小组活动", "政策咨询", "上门探访", "志愿结对",
                 "能力提升", "危机干预", "资源链接", "社区活动"]


@dataclass
class Tree:
    """Everything generated, as plain records ready to dump."""

    regions: list[dict] = field(default_factory=list)
    stations: dict[str, list[dict]] = field(default_factory=dict)  # file stem -> stations
    projects: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # attachment paths under data/


def _name(rng: random.Random, used: set[str]) -> str:
    """A two-character place name not used before (three characters once two run out)."""
    for size in (2, 2, 2, 3, 3, 3, 4):
        name = "".join(rng.choice(SYLLABLES) for _ in range(size))
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("no free place name")


def _phone(rng: random.Random) -> str:
    return f"0830-{rng.randint(2000000, 8999999)}"


def _day(days_before: int) -> str:
    return (AS_OF - dt.timedelta(days=days_before)).isoformat()


def _uscc(rng: random.Random, region: str) -> str:
    body = "52" + region + "MJ" + "".join(rng.choice(USCC_CHARS) for _ in range(7))
    return body + uscc_check_char(body)


def services() -> dict:
    """The catalogue: 13 domains, 11 groups, 30 services."""
    out = []
    for i in range(30):
        domain_id, domain_name = DOMAINS[i % len(DOMAINS)]
        word = SERVICE_WORDS[i % len(SERVICE_WORDS)]
        groups = sorted({GROUPS[i % len(GROUPS)][0], GROUPS[(i * 7 + 3) % len(GROUPS)][0]})
        out.append({
            "id": f"{domain_id}-{i + 1:02d}", "name": f"{domain_name}{word}", "domain": domain_id,
            "groups": groups, "summary": f"面向辖区居民开展{domain_name}领域的{word}服务。",
            "description": f"**服务内容**\n\n1. 需求评估与建档;\n2. 开展{word};\n3. 定期回访。\n",
            "access": ["visit", "home", "phone"][: 1 + i % 3], "fee": "免费",
            "basis": "《四川省街道(乡镇)社会工作服务站建设导引》",
        })
    return {"domains": [{"id": d, "name": n} for d, n in DOMAINS],
            "groups": [{"id": g, "name": n, "aliases": a} for g, n, a in GROUPS], "services": out}


def _agency(rng: random.Random, aid: str, name: str, region: str, local: bool, rating: str | None) -> dict:
    record = {"id": aid, "name": name, "uscc": _uscc(rng, region)}
    if rating:
        record |= {"rating": rating, "rating_year": rng.choice([2023, 2024, 2025])}
    return record | {"local": local, "phone": _phone(rng), "party_org": rng.choice(["own", "joint", "instructor"])}


def city_agencies(rng: random.Random) -> list[dict]:
    """Three city-wide agencies and one from outside the region (rated 4A: no finding)."""
    return [_agency(rng, f"city-agency-{i}", f"示例市{w}社会工作服务中心", CITY_CODE, True, r)
            for i, (w, r) in enumerate([("心源", "5A"), ("同心", "4A"), ("邻里", None)], 1)] + [
        _agency(rng, "outside-agency", "滨江市启航社会工作服务中心", "980100", False, "4A")]


def station(rng: random.Random, sid: str, name: str, level: str, parent: str | None,
            region: str, operator: str | None, place: str) -> dict:
    """One station record; about 1 in 25 is stale (rule 10), the rest verified recently."""
    record: dict = {"id": sid, "name": name, "level": level}
    if parent:
        record["parent"] = parent
    record |= {"region": region, "address": f"{place}便民服务中心{rng.choice(['一', '二', '三'])}楼"}
    if rng.random() < 0.9:
        record["location"] = {"lat": round(28.5 + rng.random(), 4), "lng": round(105.0 + rng.random(), 4),
                              "crs": rng.choice(["gcj02", "gcj02", "wgs84", "bd09"])}
    phones = [_phone(rng)] + ([f"13{rng.randint(100000000, 999999999)}"] if level == "village" else [])
    record |= {"phone": phones, "complaint_phone": "0830-12345", "hours": rng.choice(HOURS)}
    if rng.random() < 0.2:
        record["closed_on"] = [_day(-rng.randint(1, 40))]
    record |= {"hours_note": "法定节假日休息。", "established": _day(rng.randint(900, 2500))}
    if operator:
        record["operator"] = operator
    record["head"] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    record["staff"] = _staff(rng, level)
    record["services"] = sorted(rng.sample([s["id"] for s in SERVICES["services"]], rng.randint(3, 8)))
    record["facilities"] = FACILITIES[: rng.randint(3, len(FACILITIES))]
    if level == "county":
        record["signage"] = {"installed": True, "photo": f"files/{sid}/sign.png"}
    record["description"] = f"{name}立足{place},以老年人、儿童和困难群众为重点开展专业服务。\n"
    record["commitments"] = "首问负责,一次告知,限时办结。"
    stale = rng.random() < 0.04
    record["verified"] = _day(rng.randint(200, 400) if stale else rng.randint(3, 170))
    return record


def _staff(rng: random.Random, level: str) -> dict:
    """Township stations mostly meet rule 2; about 1 in 30 does not."""
    short = level == "township" and rng.random() < 0.033
    low = 2 if level == "township" and not short else 0
    assistant = 1 if short else rng.randint(low, 3)
    intermediate = 0 if short else rng.randint(0, 1)
    return {"full_time": max(1, assistant + intermediate + rng.randint(0, 1)),
            "certified": {"assistant": assistant, "intermediate": intermediate, "senior": 0},
            "part_time": 0 if short else rng.randint(0, 2), "volunteers": rng.randint(5, 90),
            "volunteer_teams": rng.randint(1, 4)}


SERVICES = services()


# -- projects --------------------------------------------------------------------

def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _reports(rng: random.Random, year: int) -> list[dict]:
    """Everything a project of calendar year `year` has published by AS_OF, in date order.
    About 1 brief in 30 is late and 1 in 50 missing (rule 6 findings)."""
    out: list[tuple[dt.date, dict]] = []
    for month in range(1, 13):
        luck = rng.random()
        day = _month_end(year, month) + dt.timedelta(days=rng.randint(16, 25) if luck < 0.033 else rng.randint(3, 14))
        if luck > 0.98:
            continue
        out.append((day, {"type": "monthly", "period": f"{year}-{month:02d}", "summary":
                          f"**本月重点**:{month}月走访独居老人和困难家庭。\n\n- 持续开展四点半课堂;\n- 志愿者培训一期。\n",
                          "stats": {"cases": rng.randint(5, 16), "groups": rng.randint(1, 4),
                                    "activities": rng.randint(3, 8), "beneficiaries": rng.randint(200, 450),
                                    "volunteer_hours": rng.randint(80, 160)}}))
    for half, end in (("H1", dt.date(year, 6, 30)), ("H2", dt.date(year, 12, 31))):
        out.append((end + dt.timedelta(days=rng.randint(10, 28)), {
            "type": "self_assessment", "period": f"{year}-{half}",
            "summary": "完成任务书确定的阶段目标;个案记录仍需规范,下一阶段加强督导。\n"}))
    for kind, day, score in (("midterm", dt.date(year, 7, 10), 86.5), ("final", dt.date(year + 1, 1, 25), 91.0)):
        out.append((day + dt.timedelta(days=rng.randint(0, 20)), {
            "type": kind, "evaluator": "示例市华信社会工作评估中心", "score": score,
            "grade": "良好" if score < 90 else "优秀", "summary": "项目进度符合任务书要求,居民认可度高。\n"}))
    out = sorted([(d, r) for d, r in out if d <= AS_OF], key=lambda t: (t[0], t[1]["type"]))
    return [{**r, "published": d.isoformat()} for d, r in out]


def _money(amount: int, share: float, rng: random.Random) -> list[dict]:
    """Spending well under the amount; about 1 project in 100 paid a utility bill (rule 9)."""
    parts = [("labor", 0.6, "驻站社工劳务费(含保险)"), ("travel", 0.05, "入户走访交通费"),
             ("printing", 0.03, "服务手册印制"), ("publicity", 0.04, "公示栏和宣传展板"), ("office", 0.03, "办公耗材")]
    out = [{"category": c, "amount": int(amount * f * share), "note": note} for c, f, note in parts]
    if rng.random() < 0.01:
        out.append({"category": "utilities", "amount": 1200, "note": "站点水电费"})
    return out


def project(rng: random.Random, st: dict, county: str, year: int, status: str) -> dict:
    """One operating project of a township station for calendar year `year`."""
    pid, amount = f"{st['id']}-{year}", rng.choice([200000, 250000, 300000, 350000])
    done = status == "completed"
    return {
        "id": pid, "title": f"{st['name'].removesuffix('社会工作服务站')}社会工作服务站运营项目({year}年度)",
        "stations": [st["id"]], "buyers": [f"{county}民政局", f"{st['name'][len(county):-7]}人民政府"],
        "supplier": st["operator"], "procurement_method": "竞争性磋商", "status": status,
        "agreement": {"signed": f"{year - 1}-12-20", "start": f"{year}-01-01", "end": f"{year}-12-31",
                      "amount": amount, "document": f"files/{pid}/agreement.pdf"},
        "funding": [{"source": "省级奖补资金", "amount": amount // 3},
                    {"source": "县级财政资金", "amount": amount - amount // 3}],
        "task_book": {"overview": "依托站点,以老年人、儿童和困难群众为重点,开展巡访关爱、课业辅导和社区社会组织培育。\n",
                      "service_plan": "1. **老年人巡访**:高风险老人每周巡访一次;\n2. **四点半课堂**:工作日放学后开放。\n"},
        "indicators": [
            {"id": "orgs", "name": "孵化社区社会组织", "unit": "个", "target": 2,
             **({"actual": rng.randint(1, 4)} if done else {})},
            {"id": "volunteers", "name": "培养社区志愿者", "unit": "名", "target": 30, "actual": rng.randint(10, 45)},
            {"id": "satisfaction", "name": "服务对象满意度", "unit": "%", "target": 90,
             "actual": round(rng.uniform(85, 99), 1)}],
        "reports": _reports(rng, year),
        "expenditures": _money(amount, 0.95 if done else 0.7, rng),
        "stories": [{"title": "独居老人有了“老伙伴”", "published": f"{year}-06-30",
                     "body": "社工巡访时发现一位独居老人情绪低落,邀请她参加互助小组,现在她每周都和邻居一起做手工。\n"}],
    }


# -- the tree ----------------------------------------------------------------------

def _kinds(county_kind: str, t: int) -> tuple[str, str]:
    """(township kind, its name suffix) for the t-th township of a 区 or a 县."""
    if county_kind == "区":
        return ("街道", "街道") if t <= 8 else ("镇", "镇")
    return ("镇", "镇") if t <= 12 else ("乡", "乡")


def _village_kind(township_kind: str, v: int) -> str:
    return "社区" if township_kind == "街道" or (township_kind == "镇" and v == 1) else "村"


def county_code(c: int) -> str:
    """990101..990199, then 990201..: six digits however many counties there are."""
    return f"{9901 + (c - 1) // 99:04d}{(c - 1) % 99 + 1:02d}"


def layout(n: int, rng: random.Random) -> Tree:
    """Exactly n stations: the city centre, then whole counties until n is reached."""
    tree, used = Tree(), set()
    tree.regions.append({"code": CITY_CODE, "name": "示例市", "level": "city"})
    tree.agencies = city_agencies(rng)
    tree.stations["city"] = [station(rng, "city", "示例市社会工作指导中心", "city", None, CITY_CODE,
                                     "city-agency-1", "示例市民政服务中心")]
    count, c = 1, 0
    while count < n:
        c += 1
        count = _county(tree, rng, used, c, count, n)
    return tree


@dataclass(frozen=True)
class City:
    code: str
    station: str  # the city's guidance centre (parent of its county stations)
    name: str


SAMPLE_CITY = City(CITY_CODE, "city", "示例市")


@dataclass(frozen=True)
class Plan:
    """What one county holds when the shape is fixed (the province preset); None = drawn at random."""

    townships: int | None = None
    villages: int | None = None
    projects: tuple[tuple[str, int], ...] | None = None  # (status, year) per township, by a rule if None
    long_texts: bool = False


def _county(tree: Tree, rng: random.Random, used: set[str], c: int, count: int, n: int,
            city: City = SAMPLE_CITY, plan: Plan = Plan(), code: str | None = None) -> int:
    code, kind = code or county_code(c), "区" if c % 3 == 1 else "县"
    name, cid = _name(rng, used) + kind, f"c{c:03d}"
    agency = f"{cid}-agency"
    tree.regions.append({"code": code, "name": name, "level": "county", "parent": city.code})
    tree.agencies.append(_agency(rng, agency, f"{city.name}{name}社会工作服务中心", code, True,
                                 rng.choice(["3A", "4A", "5A", None])))
    stations = [station(rng, cid, f"{name}社会工作服务总站", "county", city.station, code, agency, name)]
    if plan.long_texts:
        stations[0]["description"] = _long(rng, name, STATION_SENTENCES, 5, 9)
    tree.files.append(f"files/{cid}/sign.png")
    count += 1
    townships = plan.townships if plan.townships is not None else rng.randint(*TOWNSHIPS_PER_COUNTY)
    for t in range(1, townships + 1):
        if count >= n:
            break
        count = _township(tree, rng, used, stations, (c, t, code, name, agency), count, n, plan)
    tree.stations[cid] = stations
    return count


def _township(tree: Tree, rng: random.Random, used: set[str], stations: list[dict],
              where: tuple, count: int, n: int, plan: Plan = Plan()) -> int:
    c, t, county, cname, agency = where
    kind, suffix = _kinds(cname[-1], t)
    code, tname = f"{county}{t:03d}", _name(rng, used) + suffix
    tid = f"c{c:03d}-t{t:02d}"
    operator = rng.choices([agency, "city-agency-2", "city-agency-3", "outside-agency"], [80, 8, 7, 5])[0]
    tree.regions.append({"code": code, "name": tname, "level": "township", "parent": county, "kind": kind})
    town = station(rng, tid, f"{cname}{tname}社会工作服务站", "township", f"c{c:03d}", code, operator, tname)
    if plan.long_texts:
        town["description"] = _long(rng, tname, STATION_SENTENCES, 4, 8)
    stations.append(town)
    count += 1
    wanted = plan.projects if plan.projects is not None else tuple(
        (status, year) for status, year, ok in (("active", 2026, t % 2 == 0), ("completed", 2025, t % 4 == 1)) if ok)
    for status, year in wanted:
        record = project(rng, town, cname, year, status)
        if plan.long_texts:
            _lengthen(rng, record, tname)
        tree.projects.append(record)
        tree.files.append(f"files/{tid}-{year}/agreement.pdf")
    villages = plan.villages if plan.villages is not None else rng.randint(*VILLAGES_PER_TOWNSHIP)
    for v in range(1, villages + 1):
        if count >= n:
            break
        vkind = _village_kind(kind, v)
        vcode = f"{code}{v if vkind == '社区' else 200 + v:03d}"
        vname = _name(rng, used) + vkind
        tree.regions.append({"code": vcode, "name": vname, "level": "village", "parent": code, "kind": vkind})
        brand = "社工室" if rng.random() < 0.01 else "社会工作服务室"  # rule 1 finding, now and then
        room = station(rng, f"{tid}-v{v:02d}", f"{tname}{vname}{brand}", "village", tid, vcode, operator, vname)
        if plan.long_texts:
            room["description"] = _long(rng, vname, STATION_SENTENCES, 2, 4)
        stations.append(room)
        count += 1
    return count


# -- the province preset -------------------------------------------------------------

PROVINCE_CODE = "990000"
PROVINCE = {"cities": 21, "counties": 183, "townships": 3100, "villages": 31000, "projects": 3500}
# Every station: 21 city centres, 183 county stations, 3,100 township stations and 31,000 village rooms.
PROVINCE_STATIONS = PROVINCE["cities"] + PROVINCE["counties"] + PROVINCE["townships"] + PROVINCE["villages"]

# Realistic text lengths (at full size: village rooms ~110 characters of description, township stations
# ~220, county stations ~300, monthly briefs ~280; the city preset has one sentence each),
# assembled from sentences that station workers write (varied, so the search index sees real text).
STATION_SENTENCES = [
    "{p}位于辖区便民服务中心,服务面积约一百二十平方米,设有接待区、个案室和小组活动室。",
    "站点以老年人、困境儿童、残疾人和低保家庭为重点服务对象,建立了一户一档的服务台账。",
    "驻站社工每周三次入户走访高龄独居老人,帮助链接助餐、助医和应急呼叫服务。",
    "工作日下午开放四点半课堂,由志愿者为留守儿童提供课业辅导和安全教育。",
    "站点联合村(社区)两委、网格员和志愿者队伍,建立困难群众主动发现和快速响应机制。",
    "每月开展一次政策宣讲,讲解低保、特困供养、临时救助和残疾人两项补贴的申请条件。",
    "站点培育了广场舞队、巧手编织队和老年协会等社区社会组织,常态化开展邻里互助活动。",
    "对有心理困扰的居民,社工提供情绪疏导和转介服务,必要时联系专业心理咨询机构。",
    "节假日期间组织慰问困难家庭,并协助办理医疗救助和教育救助的申请材料。",
    "站点设有意见箱和投诉电话,群众的意见建议在五个工作日内答复。",
    "针对外出务工家庭,社工定期与家长视频沟通孩子的学习和生活情况。",
    "站点与辖区卫生院合作开展健康讲座和免费体检,累计服务老年人数百人次。",
]
BRIEF_SENTENCES = [
    "本月共走访独居、空巢老人{a}户,发现并协助解决生活困难{b}件。",
    "四点半课堂开放{a}次,参与儿童{b}人次,志愿者提供课业辅导{c}小时。",
    "开展“邻里守望”小组活动{a}节,组员之间建立了互相照应的联系。",
    "协助{a}户困难家庭申请临时救助,其中{b}户已获批。",
    "组织志愿者培训一期,{a}名新志愿者完成了上门探访和安全防护的课程。",
    "配合村(社区)开展防范电信诈骗宣传,发放资料{a}份,现场答疑{b}人次。",
    "为{a}名残疾人提供康复辅具申领咨询,链接辖区康复机构上门评估。",
    "个案服务新开案{a}个、结案{b}个,结案个案均完成了回访和效果评估。",
    "社工参加县级督导{a}次,针对个案记录不规范的问题进行了整改。",
    "下月计划重点开展冬季防寒保暖走访和困境儿童寒假关爱活动。",
]


def _long(rng: random.Random, place: str, pool: list[str], low: int, high: int) -> str:
    """A paragraph of `low`..`high` sentences from `pool`, numbers drawn, place named."""
    picked = rng.sample(pool, min(len(pool), rng.randint(low, high)))
    text = "".join(x.format(p=place, a=rng.randint(2, 40), b=rng.randint(1, 20), c=rng.randint(10, 90))
                   for x in picked)
    return text + "\n"


def _lengthen(rng: random.Random, record: dict, place: str) -> None:
    """Monthly briefs of a few hundred characters, as stations publish them."""
    for report in record["reports"]:
        if report["type"] == "monthly":
            report["summary"] = _long(rng, place, BRIEF_SENTENCES, 7, 10)


def _shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers differing by at most one (the larger ones first)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def province_layout(n: int, rng: random.Random) -> Tree:
    """The province preset, cut off after `n` stations (n >= PROVINCE_STATIONS: the whole province).
    Cities are filled one after the other, so a smaller n is a slice of the same province."""
    tree, used = Tree(), set()
    tree.regions.append({"code": PROVINCE_CODE, "name": "示例省", "level": "province"})
    tree.agencies = city_agencies(rng)
    counties = _shares(PROVINCE["counties"], PROVINCE["cities"])
    townships = _shares(PROVINCE["townships"], PROVINCE["counties"])
    villages = PROVINCE["villages"] // PROVINCE["townships"]
    completed = PROVINCE["projects"] - PROVINCE["townships"]  # every township runs a 2026 project; these a 2025 one too
    count, c, t_seen = 0, 0, 0
    for ci in range(1, PROVINCE["cities"] + 1):
        if count >= n:
            break
        city = City(f"99{ci:02d}00", f"city-{ci:02d}", _name(rng, used) + "市")
        tree.regions.append({"code": city.code, "name": city.name, "level": "city", "parent": PROVINCE_CODE})
        tree.stations[city.station] = [station(rng, city.station, f"{city.name}社会工作指导中心", "city", None,
                                               city.code, "city-agency-1", f"{city.name}民政服务中心")]
        count += 1
        for k in range(1, counties[ci - 1] + 1):
            if count >= n:
                break
            c += 1
            n_towns = townships[c - 1]
            # 2025 projects go to the first townships of counties spread evenly (exactly `completed` in all)
            old = (completed * (t_seen + n_towns)) // PROVINCE["townships"] - (completed * t_seen) // PROVINCE["townships"]
            t_seen += n_towns
            plans = _ProvincePlans(n_towns, villages, old)
            count = _province_county(tree, rng, used, c, count, n, city, plans, f"99{ci:02d}{k:02d}")
    return tree


@dataclass(frozen=True)
class _ProvincePlans:
    townships: int
    villages: int
    completed: int  # how many of this county's townships also have a completed 2025 project


def _province_county(tree: Tree, rng: random.Random, used: set[str], c: int, count: int, n: int,
                     city: City, plans: _ProvincePlans, code: str) -> int:
    """One county of the province: its township plan says which townships have a 2025 project."""
    before = len(tree.projects)
    plan = Plan(townships=plans.townships, villages=plans.villages, projects=(("active", 2026),), long_texts=True)
    count = _county(tree, rng, used, c, count, n, city, plan, code)
    # the first `completed` townships also carry last year's finished project
    towns = [s for s in tree.stations[f"c{c:03d}"] if s["level"] == "township"][:plans.completed]
    for town in towns:
        record = project(rng, town, tree.regions[[r["code"] for r in tree.regions].index(code)]["name"], 2025,
                         "completed")
        _lengthen(rng, record, town["name"])
        tree.projects.insert(before, record)
        tree.files.append(f"files/{town['id']}-2025/agreement.pdf")
    return count


# -- writing -------------------------------------------------------------------------

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when available: 10x faster
    def ignore_aliases(self, data: object) -> bool:
        return True  # every station spells out its own hours, as editors write them


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None  # Markdown as a literal block, as editors write it
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=200)
    path.write_text(HEADER + text, encoding="utf-8")


def _png() -> bytes:
    """A valid 1x1 grey PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def site(region: str = CITY_CODE) -> dict:
    return {"name": "示例市社会工作服务平台(基准测试)", "publisher": "示例市民政局", "region": region,
            "contact": {"phone": "0830-3100100", "email": "sgz@example.gov.cn", "address": "示例市民政局三楼"},
            "as_of": AS_OF.isoformat(), "demo": True}


PRESETS = ("city", "province")


def generate(n_stations: int, out_dir: Path, seed: int = 1, preset: str = "city") -> Path:
    """Write a data/ tree of exactly `n_stations` stations to `out_dir` and return it.
    preset "city": one city of counties of random size; "province": the province preset
    (PROVINCE), cut off after n stations. `out_dir` must be absent, empty, or a tree this
    function wrote before."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        mine = (out_dir / "site.yaml").is_file() and (out_dir / "site.yaml").read_text(encoding="utf-8").startswith(HEADER)
        if not mine:
            raise FileExistsError(f"{out_dir} is not empty and was not made by bench/generate.py")
        shutil.rmtree(out_dir)
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}: one of {PRESETS}")
    make = province_layout if preset == "province" else layout
    tree = make(max(1, n_stations), random.Random(seed))
    _dump(out_dir / "site.yaml", site(PROVINCE_CODE if preset == "province" else CITY_CODE))
    _dump(out_dir / "regions.yaml", {"regions": tree.regions})
    _dump(out_dir / "services.yaml", SERVICES)
    _dump(out_dir / "agencies.yaml", {"agencies": tree.agencies})
    for stem, stations in tree.stations.items():
        _dump(out_dir / "stations" / f"{stem}.yaml", {"stations": stations})
    for record in tree.projects:
        _dump(out_dir / "projects" / f"{record['id']}.yaml", record)
    png = _png()
    for rel in tree.files:
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / rel).write_bytes(png if rel.endswith(".png") else PDF)
    return out_dir


def check(data_dir: Path):
    """`prepare()` the tree and fail loudly if the data has any error (warnings are expected)."""
    from sgz_portal.data.issues import errors, report
    from sgz_portal.pipeline import prepare

    prepared = prepare(Path(data_dir))
    if not prepared.ok:
        raise AssertionError("generated data is not contract-valid:\n" + report(errors(prepared.issues)))
    return prepared


def stations_of(size: str) -> int:
    """A size on the command line: a number, or "province" for the whole province preset."""
    return PROVINCE_STATIONS if size == "province" else int(size)


def main(argv: list[str]) -> int:
    preset = "city"
    if argv[:1] == ["--province"]:
        preset, argv = "province", argv[1:]
    if len(argv) not in (2, 3):
        print("usage: python bench/generate.py [--province] N_STATIONS|province OUT_DIR [SEED]", file=sys.stderr)
        return 2
    preset = "province" if argv[0] == "province" else preset
    out = generate(stations_of(argv[0]), Path(argv[1]), int(argv[2]) if len(argv) > 2 else 1, preset)
    prepared = check(out)
    p = prepared.portal
    print(f"{out}: {len(p.stations)} stations, {len(p.regions)} regions, {len(p.projects)} projects, "
          f"{len(p.agencies)} agencies, {len(p.services)} services; {len(prepared.issues)} warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
