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
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from portal.validate import USCC_CHARS, uscc_check_char  # noqa: E402

AS_OF = dt.date(2026, 10, 31)
CITY_CODE = "990100"
TOWNSHIPS_PER_COUNTY = (16, 24)  # inclusive range, mean 20
VILLAGES_PER_TOWNSHIP = (5, 11)  # inclusive range, mean 8
HEADER = "# 基准测试数据(bench/generate.py 自动生成,虚构)— synthetic benchmark data\n"
SYLLABLES = ("东 西 南 北 青 石 文 庙 河 坝 桂 花 云 雾 龙 潭 湖 滨 莲 新 桥 柏 杨 双 清 水 茶 山 "
             "高 峰 白 果 竹 林 岩 门 金 银 凤 凰 柳 岸 望 渔 港 书 院 学 府 钟 楼 大 坪 兴 隆 "
             "安 宁 太 平 长 乐 永 和 福 寿 红 星 光 明 团 结 胜 利 友 谊 富 民 丰 收 宝 华").split()
SURNAMES = "王 李 张 刘 陈 杨 黄 赵 周 吴 徐 孙 马 朱 胡 郭 何 罗 高 林".split()
GIVEN = "建 丽 志 强 秀 英 晓 敏 华 军 芳 娟 伟 静 磊 洋 艳 勇 霞 涛".split()
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
# (id suffix, name, domain, groups): three services per domain is close to the ~30 of a real catalogue.
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
    return {"full_time": assistant + intermediate + rng.randint(0, 1),
            "certified": {"assistant": assistant, "intermediate": intermediate, "senior": 0},
            "part_time": 0 if short else rng.randint(0, 2), "volunteers": rng.randint(5, 90),
            "volunteer_teams": rng.randint(1, 4)}


SERVICES = services()
