"""Deterministic synthetic bank extracts for the benchmarks, written as they are generated.

    python benchmarks/generate.py N --dir DIR [--seed 7] [--as-of 2026-11-30]

writes DIR/products.csv (the catalogue the positions use), DIR/clients.csv (N clients, the
columns of DATA.md `clients`) and DIR/positions.csv (3 positions per client on one as_of).
Rows stream straight to disk, so memory stays flat whatever N is.

Other benchmarks import the pieces: `client_id(i)` names client i the same way everywhere,
`client_rows`, `position_rows` and `PRODUCTS` give the rows, `write_csv` streams them, and
`BRANCHES`, `random_date`, `chinese_name`, `phone`, `id_number` make single realistic values.
Every generator takes a `random.Random`, so a seed fixes the output byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

DEFAULT_SEED = 7
DEFAULT_AS_OF = dt.date(2026, 11, 30)
POSITIONS_PER_CLIENT = 3

# Branch codes as in examples/ (city + number), with the ID-card region code of the city.
CITIES = {
    "BJ": ("北京市", "110105", ("朝阳区", "海淀区", "东城区", "西城区")),
    "SH": ("上海市", "310115", ("浦东新区", "徐汇区", "静安区", "黄浦区")),
    "GZ": ("广州市", "440106", ("天河区", "越秀区", "海珠区")),
    "SZ": ("深圳市", "440305", ("南山区", "福田区", "罗湖区")),
    "HZ": ("杭州市", "330106", ("西湖区", "上城区", "滨江区")),
    "NJ": ("南京市", "320102", ("玄武区", "鼓楼区", "建邺区")),
    "CD": ("成都市", "510104", ("锦江区", "武侯区", "高新区")),
    "WH": ("武汉市", "420102", ("江岸区", "武昌区", "洪山区")),
}
BRANCHES = tuple(f"{city}{number:02d}" for city in CITIES for number in range(1, 6))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志宏晓东文辉鹏飞婷雪梅琳欣怡浩宇子涵博思源佳"
ROADS = ("建国路", "人民路", "中山路", "解放路", "长安街", "世纪大道", "滨江路", "学院路", "科技路")
COMPANY_WORDS = ("华信", "鼎盛", "宏远", "恒通", "嘉禾", "瑞丰", "金桥", "东方", "长城", "新世纪")
INDUSTRIES = ("贸易", "科技", "实业", "建设", "物流", "医药", "投资", "电子")
PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                  "158", "159", "177", "186", "187", "188", "189", "199")
MAIL_HOSTS = ("163.com", "qq.com", "126.com", "sina.com", "139.com")
OCCUPATIONS = ("企业主", "企业高管", "医生", "教师", "公务员", "工程师", "律师", "退休",
               "金融从业者", "个体工商户", "自由职业")
MARITAL = ("已婚", "已婚", "已婚", "未婚", "离异", "丧偶")
FAMILIES = ("配偶+1子", "配偶+2子", "配偶+1女", "三代同堂", "子女在海外留学", "独居")
HOBBIES = ("高尔夫", "茶艺", "书法", "旅游", "摄影", "马拉松", "收藏", "钓鱼", "红酒")
PREFERENCES = ("稳健理财", "保险保障", "黄金", "权益基金", "大额存单", "国债", "私募")
WEALTH_SOURCES = ("经营所得", "工资薪金", "投资收益", "继承", "房产处置")
CHANNELS = ("电话", "微信", "面访", "短信")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
RISK_WEIGHTS = (10, 25, 35, 20, 10)
CONSENTS = ("all", "service_only", "none")
CONSENT_WEIGHTS = (85, 12, 3)

CLIENT_HEADER = (
    "client_id", "name", "segment", "gender", "birth_date", "wedding_date", "phone", "email",
    "id_number", "id_expiry", "home_branch", "risk_level", "risk_assessed_on", "occupation",
    "marital_status", "family", "hobbies", "product_preferences", "wealth_source",
    "preferred_channel", "address", "contact_consent", "opened_on", "closed_on",
)
POSITION_HEADER = ("client_id", "product_code", "as_of", "balance", "asset_class", "maturity_date")
PRODUCT_HEADER = ("product_code", "name", "asset_class", "risk_level", "launch_date",
                  "maturity_date", "status", "min_amount")


class Product(NamedTuple):
    code: str
    name: str
    asset_class: str
    risk_level: str
    launch_date: str
    maturity_date: str
    min_amount: str
    weight: int  # how often a client holds it
    share: float  # typical share of the client's assets when held (negative: a liability)


PRODUCTS: tuple[Product, ...] = (
    Product("DEP-CUR", "活期存款", "deposit", "R1", "", "", "0", 0, 0.15),
    Product("DEP-TD3M", "三个月定期存款", "deposit", "R1", "", "", "50", 30, 0.3),
    Product("DEP-TD1Y", "一年期定期存款", "deposit", "R1", "", "", "50", 40, 0.4),
    Product("DEP-LCD3Y", "三年期大额存单", "deposit", "R1", "2024-01-02", "", "200,000.00", 20, 0.5),
    Product("WM-90D", "稳享90天理财", "wealth", "R2", "2026-09-01", "2026-12-05", "50,000.00", 25, 0.35),
    Product("WM-180D", "稳健180天理财", "wealth", "R2", "2026-07-01", "2026-12-28", "50,000.00", 20, 0.35),
    Product("WM-1Y", "年年红一年期理财", "wealth", "R3", "2026-03-01", "2027-03-01", "100,000.00", 15, 0.4),
    Product("WM-DAILY", "天天利现金管理", "wealth", "R1", "2020-01-01", "", "1.00", 30, 0.2),
    Product("FUND-000001", "成长精选混合", "fund", "R4", "2019-04-10", "", "1,000.00", 15, 0.2),
    Product("FUND-110022", "消费行业股票", "fund", "R4", "2018-06-01", "", "1,000.00", 10, 0.15),
    Product("FUND-161725", "白酒指数分级", "fund", "R5", "2017-05-15", "", "1,000.00", 6, 0.15),
    Product("FUND-003003", "纯债债券A", "fund", "R2", "2020-09-01", "", "1,000.00", 12, 0.25),
    Product("INS-ANN10", "金福年金保险", "insurance", "R2", "2022-01-01", "", "10,000.00", 10, 0.3),
    Product("INS-WL", "终身寿险", "insurance", "R2", "2021-01-01", "", "10,000.00", 6, 0.3),
    Product("BOND-3Y", "三年期储蓄国债", "bond", "R1", "2024-11-01", "2027-11-01", "100", 10, 0.3),
    Product("BOND-5Y", "五年期储蓄国债", "bond", "R1", "2023-03-10", "2028-03-10", "100", 6, 0.3),
    Product("AU9999", "积存金", "metal", "R3", "2015-01-01", "", "1,000.00", 8, 0.1),
    Product("CUST-SEC", "第三方存管证券资金", "custody", "R1", "", "", "0", 8, 0.2),
    Product("LOAN-MTG", "个人住房贷款", "loan", "", "", "", "", 12, -0.6),
    Product("LOAN-BIZ", "个人经营贷款", "loan", "", "", "", "", 4, -0.4),
    Product("CARD-PLAT", "白金信用卡", "credit", "", "", "", "", 10, -0.02),
)
_PRODUCT_BY_CODE = {p.code: p for p in PRODUCTS}
_HELD = [p for p in PRODUCTS if p.weight]
_HELD_WEIGHTS = [p.weight for p in _HELD]
_TERM_DAYS = {"DEP-TD3M": 91, "DEP-TD1Y": 365, "DEP-LCD3Y": 1095}

# AUM per client: log-normal around 400k yuan, so about a quarter fall below the gold floor
# (200k) and about two in a thousand reach black gold (10M), like a real VIP book.
AUM_MEDIAN_YUAN = 400_000
AUM_SIGMA = 1.1
# A few balances come formatted the way spreadsheets write them (DATA.md "Money").
GROUPED_SHARE = 0.05
YUAN_SIGN_SHARE = 0.01


def client_id(index: int) -> str:
    """The id of the index-th client (1-based); every benchmark names clients this way."""
    return f"C{index:09d}"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def chinese_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def company_name(rng: random.Random, city: str) -> str:
    return f"{CITIES[city][0][:-1]}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number(rng: random.Random, region: str, birth: dt.date, gender: str) -> str:
    """An 18-character resident ID (GB 11643): region, birth date, sequence, check character."""
    sequence = rng.randrange(0, 999, 2) + (1 if gender == "M" else 0)  # odd means male
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]


def address(rng: random.Random, city: str) -> str:
    name, _, districts = CITIES[city]
    text = (f"{name}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
            f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室")
    if rng.random() < 0.01:  # a comma forces the cell to be quoted
        text = text.replace("号", "号, ", 1)
    return text


def client_rows(rng: random.Random, count: int, today: dt.date = DEFAULT_AS_OF) -> Iterator[tuple]:
    """`count` clients in CLIENT_HEADER order, ids client_id(1) … client_id(count)."""
    oldest, youngest = dt.date(1940, 1, 1), dt.date(2003, 12, 31)
    for index in range(1, count + 1):
        branch = rng.choice(BRANCHES)
        city = branch[:2]
        opened = random_date(rng, dt.date(1995, 1, 1), today - dt.timedelta(days=30))
        closed = random_date(rng, opened, today) if rng.random() < 0.01 else None
        consent = rng.choices(CONSENTS, CONSENT_WEIGHTS)[0]
        if rng.random() < 0.02:
            yield (client_id(index), company_name(rng, city), "corporate", "", "", "", "", "", "",
                   "", branch, "", "", "", "", "", "", "", "", "", address(rng, city), consent,
                   _iso(opened), _iso(closed))
            continue
        gender = "M" if rng.random() < 0.5 else "F"
        birth = random_date(rng, oldest, youngest)
        wedding = random_date(rng, birth + dt.timedelta(days=365 * 22), today) \
            if rng.random() < 0.4 and birth.year + 22 < today.year else None
        risk = rng.choices(RISK_LEVELS, RISK_WEIGHTS)[0] if rng.random() < 0.95 else ""
        assessed = random_date(rng, dt.date(2022, 1, 1), today) if risk else None
        yield (
            client_id(index),
            chinese_name(rng),
            "retail",
            gender,
            birth.isoformat(),
            _iso(wedding),
            phone(rng) if rng.random() < 0.95 else "",
            _email(rng) if rng.random() < 0.3 else "",
            id_number(rng, CITIES[city][1], birth, gender),
            random_date(rng, today, dt.date(2046, 12, 31)).isoformat(),
            branch,
            risk,
            _iso(assessed),
            _maybe(rng, 0.8, OCCUPATIONS),
            "已婚" if wedding else _maybe(rng, 0.7, MARITAL),
            _maybe(rng, 0.4, FAMILIES),
            ";".join(rng.sample(HOBBIES, 2)) if rng.random() < 0.4 else "",
            ";".join(rng.sample(PREFERENCES, 2)) if rng.random() < 0.4 else "",
            _maybe(rng, 0.5, WEALTH_SOURCES),
            _maybe(rng, 0.5, CHANNELS),
            address(rng, city) if rng.random() < 0.6 else "",
            consent,
            opened.isoformat(),
            _iso(closed),
        )


def position_rows(rng: random.Random, count: int, as_of: dt.date = DEFAULT_AS_OF) -> Iterator[tuple]:
    """POSITIONS_PER_CLIENT positions for each of clients 1 … count, in POSITION_HEADER order.

    Everyone has a current account; the others are distinct products drawn by popularity. The
    asset_class cell is mostly left empty (the product's class applies), as extracts do.
    """
    day = as_of.isoformat()
    current = _PRODUCT_BY_CODE["DEP-CUR"]
    for index in range(1, count + 1):
        cid = client_id(index)
        aum = AUM_MEDIAN_YUAN * math.exp(rng.gauss(0, AUM_SIGMA))
        held = [current]
        while len(held) < POSITIONS_PER_CLIENT:
            product = rng.choices(_HELD, _HELD_WEIGHTS)[0]
            if product not in held:
                held.append(product)
        for product in held:
            fen = int(aum * product.share * rng.uniform(0.5, 1.5) * 100)
            yield (cid, product.code, day, _money(rng, fen),
                   product.asset_class if rng.random() < 0.1 else "",
                   _maturity(rng, product, as_of))


def product_rows() -> Iterator[tuple]:
    for p in PRODUCTS:
        yield (p.code, p.name, p.asset_class, p.risk_level, p.launch_date, p.maturity_date,
               "on_sale", p.min_amount)


def write_csv(path: Path, header: Iterable[str], rows: Iterable[tuple]) -> int:
    """Stream rows to a UTF-8 CSV (via a temporary name, so a half-written file never remains)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    os.replace(partial, path)
    return count


def generate(directory: Path, clients: int, seed: int = DEFAULT_SEED,
             as_of: dt.date = DEFAULT_AS_OF) -> dict[str, Path]:
    """Write products.csv, clients.csv and positions.csv; returns their paths by kind."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / f"{kind}.csv" for kind in ("products", "clients", "positions")}
    write_csv(paths["products"], PRODUCT_HEADER, product_rows())
    # Separate streams, so the positions do not change when the client columns do.
    write_csv(paths["clients"], CLIENT_HEADER, client_rows(random.Random(seed), clients, as_of))
    write_csv(paths["positions"], POSITION_HEADER,
              position_rows(random.Random(seed + 1), clients, as_of))
    return paths


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _maybe(rng: random.Random, share: float, choices: tuple[str, ...]) -> str:
    return rng.choice(choices) if rng.random() < share else ""


def _email(rng: random.Random) -> str:
    user = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randrange(4, 9)))
    return f"{user}{rng.randrange(100, 9999)}@{rng.choice(MAIL_HOSTS)}"


def _money(rng: random.Random, fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    draw = rng.random()
    if draw < GROUPED_SHARE:
        return f"{sign}{yuan:,}.{cents:02d}"
    if draw < GROUPED_SHARE + YUAN_SIGN_SHARE:
        return f"{sign}¥{yuan}.{cents:02d}"
    return f"{sign}{yuan}.{cents:02d}"


def _maturity(rng: random.Random, product: Product, as_of: dt.date) -> str:
    if product.maturity_date:
        return product.maturity_date
    term = _TERM_DAYS.get(product.code)
    if term is None:
        return ""
    return (as_of + dt.timedelta(days=rng.randrange(1, term + 1))).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clients", type=int, help="number of clients (positions: 3 per client)")
    parser.add_argument("--dir", type=Path, default=Path("."), help="where to write the files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF,
                        help="the positions' date (YYYY-MM-DD)")
    args = parser.parse_args()
    for kind, path in generate(args.dir, args.clients, args.seed, args.as_of).items():
        print(f"{kind}: {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
