"""Plausible Chinese names, phone numbers and ID numbers for the demo county (演示数据).

Surnames are drawn by their frequency (the most common hundred or so in Hubei and the country);
given names are one or two characters from lists that differ a little for boys and girls and by
generation (children born 2010–2020, their parents, their grandparents). Everything comes from a
``random.Random`` the caller seeds, so the same seed gives the same people.
"""

from __future__ import annotations

import random
from datetime import date

#: Surnames (姓) and their weights (per mille, roughly the national frequency).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 32), ("黄", 23),
    ("赵", 22), ("吴", 21), ("周", 20), ("徐", 17), ("孙", 16), ("马", 15), ("朱", 14),
    ("胡", 13), ("郭", 12), ("何", 11), ("高", 11), ("林", 10), ("罗", 10), ("郑", 9),
    ("梁", 9), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7),
    ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5),
    ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4),
    ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3),
    ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("白", 2), ("邹", 2),
    ("孟", 2), ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2),
    ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("覃", 2), ("武", 2),
    ("钱", 2), ("严", 2), ("莫", 1), ("孔", 1), ("向", 1), ("常", 1), ("汤", 1), ("易", 1),
    ("舒", 1), ("柯", 1), ("聂", 1), ("晏", 1), ("喻", 1),
)

_BOY = ("子轩", "浩然", "宇航", "梓涵", "俊杰", "宇轩", "子墨", "浩宇", "一鸣", "博文", "思远",
        "天佑", "嘉豪", "明轩", "雨泽", "皓轩", "睿", "航", "鑫", "磊", "阳", "杰", "宇", "晨",
        "奕辰", "梓豪", "锦程", "子豪", "文博", "俊熙", "昊天", "家乐", "志强", "乐天", "承泽")
_GIRL = ("欣怡", "梓涵", "诗涵", "紫涵", "雨欣", "佳怡", "可馨", "梦琪", "雨涵", "思琪", "语嫣",
         "一诺", "欣妍", "若曦", "佳琪", "子怡", "婉清", "心怡", "梓萱", "静怡", "悦", "琳",
         "婷", "颖", "萱", "雪", "晴", "可欣", "雨桐", "诗雨", "甜甜", "嘉怡", "梦瑶", "思雨")
_MAN = ("建国", "建军", "国强", "志刚", "永明", "海波", "小平", "勇", "军", "伟", "涛", "斌",
        "红军", "卫东", "德华", "春林", "新华", "长江", "少华", "文斌", "俊", "波", "明", "强")
_WOMAN = ("秀英", "桂英", "丽", "芳", "敏", "静", "燕", "霞", "红梅", "小红", "春燕", "玉兰",
          "丽娟", "海燕", "艳", "娟", "琴", "慧", "美华", "晓梅", "金凤", "凤英", "小琴", "翠")
_OLD_MAN = ("德贵", "长福", "明山", "国才", "家富", "世昌", "发旺", "正清", "本善", "传宝",
            "学文", "有才", "开元", "守仁", "春生", "大海", "玉林", "光明", "宏才", "进财")
_OLD_WOMAN = ("桂兰", "秀珍", "玉珍", "桂芝", "凤兰", "淑珍", "翠兰", "秀兰", "菊英", "金莲",
              "玉梅", "秀芳", "兰英", "春花", "腊梅", "冬梅", "月娥", "素珍", "巧云", "玉英")

_NAMES_BY_KIND = {"boy": _BOY, "girl": _GIRL, "man": _MAN, "woman": _WOMAN,
                  "old_man": _OLD_MAN, "old_woman": _OLD_WOMAN}

_SURNAME_LIST = tuple(name for name, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(weight for _, weight in SURNAMES)


def surname(rng: random.Random) -> str:
    """A surname drawn by its frequency."""
    return rng.choices(_SURNAME_LIST, _SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, kind: str) -> str:
    """A given name (名) for ``kind``: boy, girl, man, woman, old_man or old_woman."""
    return rng.choice(_NAMES_BY_KIND[kind])


def full_name(rng: random.Random, kind: str, family: str | None = None) -> str:
    """A full name; ``family`` fixes the surname (a child takes the father's)."""
    return (family or surname(rng)) + given_name(rng, kind)


_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                    "151", "152", "155", "157", "158", "159", "166", "173", "177", "180",
                    "181", "182", "183", "186", "187", "188", "189", "191", "199")


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number (手机号)."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number(rng: random.Random, county_code: str, birth_date: date, sex: str) -> str:
    """A made-up resident ID number (居民身份证号码) of the right shape: county code, birth
    date, a sequence whose last digit is odd for males, and the ISO 7064 check character."""
    sequence = rng.randrange(100) * 10 + rng.randrange(5) * 2 + (1 if sex == "male" else 0)
    body = f"{county_code}{birth_date:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]
