"""Believable Chinese people and companies for the demo bank: names, phones, ID numbers, profiles.

Every function draws from the `random.Random` it is given, so the same seed gives the same bank.
All characters are in GBK, because the demo writes some files the way Excel on Chinese Windows
saves them.
"""

from __future__ import annotations

import datetime as dt
import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
MALE_GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣建国志文博晨阳海峰"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀玲燕红婷雪琳晶颖慧倩洁琪萍莉蓉月瑶佳雯欣怡梅兰青岚璐悦"

# Birthplace area codes (the first 6 digits of a resident ID) by city, and a few elsewhere.
AREAS = {
    "beijing": ("110101", "110102", "110105", "110106", "110108"),
    "shanghai": ("310101", "310104", "310105", "310112", "310115"),
    "guangzhou": ("440103", "440104", "440105", "440106", "440111"),
    "elsewhere": ("320102", "330106", "420106", "510104", "370102", "130102", "410105"),
}
ADDRESSES = {
    "beijing": ("北京市", ("朝阳区建国路", "海淀区中关村大街", "西城区金融大街", "东城区东直门南大街")),
    "shanghai": ("上海市", ("浦东新区世纪大道", "徐汇区衡山路", "黄浦区南京东路", "长宁区虹桥路")),
    "guangzhou": ("广州市", ("天河区珠江新城华夏路", "越秀区环市东路", "海珠区新港中路", "荔湾区中山八路")),
}
PHONE_PREFIXES = tuple(f"13{d}" for d in range(10)) + ("150", "151", "152", "153", "155",
                                                         "156", "157", "158", "159") + tuple(
    f"18{d}" for d in range(10))

OCCUPATIONS = ("企业主", "企业高管", "医生", "教师", "公务员", "律师", "工程师", "会计师",
               "个体经营者", "自由职业", "金融从业者", "科研人员")
FAMILIES = ("配偶及一子", "配偶及一女", "配偶及两个子女", "单身", "与父母同住", "子女在海外留学",
            "三代同堂")
HOBBIES = ("高尔夫", "书法", "茶道", "摄影", "旅游", "马拉松", "钓鱼", "收藏", "瑜伽", "网球",
           "红酒", "登山")
WEALTH_SOURCES = ("经营所得", "工资薪金", "投资收益", "房产出售", "继承", "拆迁补偿")
CHANNELS = ("phone", "wechat", "visit", "sms", "email")

COMPANY_BRANDS = ("华信", "中联", "恒泰", "瑞丰", "宏达", "金盛", "东方", "远航", "汇通", "鼎盛",
                  "博源", "天和", "永安", "新科", "长城", "海纳", "正阳", "嘉禾", "同创", "启明",
                  "润丰", "星辉", "广源", "德茂", "安泰", "锦程")
INDUSTRIES = ("科技", "贸易", "建设", "医药", "物流", "制造", "食品", "能源", "电子", "置业")
CITY_NAMES = {"beijing": "北京", "shanghai": "上海", "guangzhou": "广州"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def person_name(rng: random.Random, gender: str) -> str:
    given = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
    length = 2 if rng.random() < 0.7 else 1
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(length))


def company_name(rng: random.Random, city: str) -> str:
    suffix = "股份有限公司" if rng.random() < 0.3 else "有限公司"
    return CITY_NAMES[city] + rng.choice(COMPANY_BRANDS) + rng.choice(INDUSTRIES) + suffix


class Phones:
    """Unique mobile numbers: 11 digits starting 13x, 15x or 18x."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number


def id_number(rng: random.Random, city: str, birth: dt.date, gender: str) -> str:
    """A resident ID (GB 11643): area, birth date, a sequence whose parity is the sex, a check."""
    area = rng.choice(AREAS[city] if rng.random() < 0.8 else AREAS["elsewhere"])
    sequence = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_digit(body)


def id_check_digit(body: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def address(rng: random.Random, city: str) -> str:
    prefix, streets = ADDRESSES[city]
    return f"{prefix}{rng.choice(streets)}{rng.randint(1, 399)}号"


def hobbies(rng: random.Random) -> str:
    return "、".join(rng.sample(HOBBIES, rng.randint(1, 3)))
