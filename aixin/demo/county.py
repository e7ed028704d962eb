"""The demo county (演示县): 钟祥市 in 荆门市, Hubei, its townships, villages and schools, and
the places its parents work.

The county and township division codes (行政区划代码) follow the national list for 钟祥市
(420881); the villages under each township are made up for the demo (plausible names of the
Jianghan plain, codes in the 2xx range villages use), as are the schools, which are named after
their township the way rural schools are ("石牌镇中心小学").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = "湖北省"
CITY = "荆门市"
COUNTY = "钟祥市"
COUNTY_CODE = "420881"
POSTAL_CODE = "431900"

#: Townships (乡镇/街道) of 钟祥市 with their 9-digit codes.
TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("420881001", "郢中街道"), ("420881100", "洋梓镇"), ("420881101", "长寿镇"),
    ("420881102", "丰乐镇"), ("420881103", "胡集镇"), ("420881104", "双河镇"),
    ("420881105", "磷矿镇"), ("420881106", "文集镇"), ("420881107", "冷水镇"),
    ("420881108", "石牌镇"), ("420881109", "旧口镇"), ("420881110", "柴湖镇"),
    ("420881111", "长滩镇"), ("420881112", "东桥镇"), ("420881113", "客店镇"),
    ("420881114", "张集镇"), ("420881200", "九里回族乡"),
)

_VILLAGE_STEMS = ("马湾", "杨岗", "李店", "黄庄", "彭墩", "何集", "王桥", "刘冲", "张湾", "陈河",
                  "周坪", "罗岭", "高庙", "赵港", "吴畈", "朱堰", "唐湾", "余岗", "邓集", "孙家",
                  "龙井", "石桥", "柳树", "枣园", "桃园", "荷花", "双塘", "三合", "五里", "新台",
                  "官庄", "郑集", "胡湾", "谢岭", "许河", "丁店", "曹岗", "田畈", "汪桥", "姚湾")

#: Where parents work away from home (务工地点), with weights: the Pearl and Yangtze River
#: deltas, Wuhan, Beijing, and a few nearer cities.
WORK_PLACES: tuple[tuple[str, float], ...] = (
    ("广东省深圳市", 14), ("广东省东莞市", 12), ("广东省广州市", 9), ("广东省佛山市", 5),
    ("上海市", 9), ("浙江省杭州市", 7), ("浙江省宁波市", 4), ("浙江省义乌市", 4),
    ("江苏省苏州市", 8), ("江苏省昆山市", 3), ("湖北省武汉市", 12), ("北京市", 5),
    ("福建省厦门市", 3), ("湖北省宜昌市", 2), ("湖北省襄阳市", 2), ("天津市", 1),
)

#: Work units volunteers come from (所在单位); "{t}" is their township.
TOWNSHIP_UNITS = ("{t}人民政府", "{t}中心小学", "{t}初级中学", "{t}卫生院", "{t}妇联",
                  "{t}派出所", "{t}财政所", "{t}农业服务中心")
COUNTY_UNITS = ("钟祥市妇联", "钟祥市教育局", "钟祥市人民医院", "钟祥市民政局",
                "钟祥市团市委", "钟祥市关工委", "中国农业银行钟祥支行", "钟祥市实验小学",
                "钟祥市第一中学", "国网钟祥市供电公司", "钟祥市人民法院", "钟祥市税务局")


@dataclass(frozen=True)
class Village:
    code: str  # 12 digits
    name: str
    township_code: str
    township: str


@dataclass(frozen=True)
class Township:
    code: str  # 9 digits
    name: str
    villages: tuple[Village, ...]

    def school(self, kind: str) -> str:
        """The township's school of ``kind``: 幼儿园, 小学 or 初中."""
        suffix = {"kindergarten": "中心幼儿园", "primary": "中心小学", "middle": "初级中学"}[kind]
        return f"{self.name}{suffix}"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    townships: tuple[Township, ...]

    def township(self, code: str) -> Township:
        return next(t for t in self.townships if t.code == code[:9])


def demo_county(rng: random.Random) -> County:
    """The county with its townships and 5 to 9 villages each (names from the seed)."""
    townships = []
    for code, name in TOWNSHIPS:
        stems = rng.sample(_VILLAGE_STEMS, rng.randint(5, 9))
        villages = tuple(Village(f"{code}{201 + i:03d}", f"{stem}村", code, name)
                         for i, stem in enumerate(stems))
        townships.append(Township(code, name, villages))
    return County(COUNTY_CODE, COUNTY, tuple(townships))


def work_place(rng: random.Random) -> str:
    places, weights = zip(*WORK_PLACES, strict=True)
    return rng.choices(places, weights)[0]
