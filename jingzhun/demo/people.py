"""Synthetic people for the demo register: names (汉族, 彝族, 藏族) and ID numbers.

Names: Han surnames drawn with roughly their frequency in Sichuan; given names from character pools that
change with the birth decade (建国/秀英 for the old, 浩然/欣怡 for the young). Yi people carry a clan name
(吉克, 阿西, 沙马 …) followed by a Yi given name in its usual Chinese transcription (木呷, 阿呷 …); the
young often have Han-style given names. Everything is drawn from a ``random.Random`` so a seed gives
the same people again.

ID numbers: 6-digit birth-place code + birth date + 3-digit serial (odd for men) + GB 11643 check
character. The place codes are real Liangshan county codes, each checked against python-stdnum's list
for the birth year, so the register's "place unknown" warning never fires on demo data.
"""

from __future__ import annotations

import datetime
import random
from itertools import accumulate

from jingzhun.register.validation import check_char, id_place_known

# Surname, weight (‰ of the population, rounded; Sichuan has more 罗, 何, 曾, 邓, 唐 than the national list).
HAN_SURNAMES = [
    ("李", 79), ("王", 74), ("张", 71), ("刘", 60), ("陈", 50), ("杨", 38), ("黄", 22), ("赵", 22),
    ("吴", 20), ("周", 20), ("罗", 18), ("何", 18), ("徐", 13), ("孙", 12), ("马", 12), ("朱", 12),
    ("胡", 13), ("郭", 11), ("曾", 11), ("邓", 11), ("唐", 11), ("高", 10), ("林", 8), ("郑", 8),
    ("梁", 7), ("谢", 9), ("宋", 7), ("许", 6), ("韩", 6), ("冯", 7), ("曹", 6), ("彭", 7), ("肖", 6),
    ("田", 5), ("董", 5), ("袁", 6), ("潘", 4), ("于", 3), ("蒋", 6), ("蔡", 4), ("余", 5), ("杜", 5),
    ("叶", 4), ("程", 4), ("苏", 4), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 4), ("沈", 3), ("姚", 3),
    ("卢", 3), ("姜", 3), ("崔", 2), ("钟", 3), ("谭", 4), ("陆", 2), ("汪", 2), ("范", 2), ("金", 2),
    ("石", 3), ("廖", 3), ("贾", 2), ("夏", 2), ("付", 3), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2),
    ("熊", 3), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("段", 2), ("雷", 2), ("侯", 2),
    ("龙", 2), ("史", 2), ("陶", 2), ("黎", 1), ("贺", 1), ("顾", 1), ("毛", 2), ("郝", 1), ("龚", 2),
    ("邵", 1), ("万", 1), ("严", 1), ("向", 2), ("汤", 1), ("文", 2), ("兰", 1), ("鲜", 1), ("冉", 1),
]  # fmt: skip
HUI_SURNAMES = [("马", 60), ("沙", 10), ("杨", 8), ("李", 8), ("王", 8), ("海", 6)]
# 彝族 clan names (家支) as written in Chinese in Liangshan, and the Han surnames many Yi families use.
YI_SURNAMES = [
    ("吉克", 14), ("阿西", 10), ("沙马", 12), ("俄木", 6), ("阿苦", 6), ("吉伍", 6), ("马海", 8),
    ("海来", 8), ("阿的", 5), ("勒格", 7), ("曲比", 8), ("吉吉", 4), ("阿于", 4), ("吉斯", 4),
    ("瓦其", 4), ("俄底", 3), ("布吉", 3), ("木乃", 3), ("阿尔", 5), ("的日", 3), ("巴莫", 4),
    ("吉木", 5), ("阿鲁", 4), ("苏呷", 3), ("井曲", 2), ("加拉", 3), ("吉尔", 4), ("日火", 3),
    ("尔古", 3), ("阿约", 3), ("孙子", 2), ("吉力", 2), ("马", 8), ("王", 6), ("杨", 5), ("李", 4),
    ("沙", 3), ("罗", 3), ("安", 2), ("苏", 2),
]  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


HAN_GIVEN = {
    # (first characters, second characters, single-character names) by sex and birth era.
    ("m", "old"): ("德国建永志明学文长光正成树福金洪世天开", "明华军林成福贵才荣清山安国富全忠兴发生云", "福贵才荣林山"),
    ("m", "mid"): ("小建志俊海红文云明永国春世家晓德", "军伟勇强斌涛波刚平林杰鹏辉磊超东兵江峰华", "伟军勇强斌涛波刚平杰鹏辉磊超"),
    ("m", "young"): ("子梓浩俊宇一家思嘉博明睿铭天逸晨", "轩涵宇豪杰博文睿阳铭鑫泽锦然皓诚宏楷航", "浩宇轩博睿阳鑫泽航"),
    ("f", "old"): ("秀桂玉淑素翠金凤春国德兰", "英兰珍芳华琼梅莲芬香蓉群清秀", "英兰珍芳琼"),
    ("f", "mid"): ("小晓春丽红海秀建雪美燕玉", "丽敏静燕霞艳娟红梅琴玲萍丹雪慧婷莉芳", "丽敏静燕霞艳娟琴玲萍丹"),
    ("f", "young"): ("欣诗雨梓思佳可紫若语一婉子雅", "怡涵萱琪妍悦馨彤淇瑶雯婷欣然晗琳", "欣怡琪妍悦馨彤瑶雯"),
}  # fmt: skip
YI_GIVEN_MALE = _words(
    "木呷 拉且 日哈 伍呷 尔古 子哈 阿木 石哈 达哈 格尔 拉哈 么尔 伍沙 "
    "尔布 约布 木牛 曲布 布哈 铁哈 吉日 里格 阿力 哈布 拉者 尔者 惹古 "
    "克哈 尔日 依火 石者 伍达 古哈 沙日 乌哈 尔哈 阿杰"
)
YI_GIVEN_FEMALE = _words(
    "阿呷 阿芝 阿依 史惹 阿果 么作 日莫 有格 阿牛 金花 依作 比么 石且 "
    "拉莫 曲莫 子莫 么呷 阿衣 尔作 伍果 拉呷 格作 阿支 阿各 阿妞 日作 "
    "尔呷 吉莫 阿莫 依呷"
)
TIBETAN_GIVEN_MALE = _words("扎西 次仁 格桑 尼玛 达瓦 多吉 洛桑 丹增 平措 顿珠 益西 贡布")
TIBETAN_GIVEN_FEMALE = _words("卓玛 拉姆 央金 措姆 德吉 曲珍 白玛 次珍 旺姆 益西")

# Real Liangshan county codes (GB/T 2260). Yi-majority counties first, then the mixed / Han ones.
YI_PLACES = ["513431", "513436", "513429", "513428", "513432", "513434", "513430", "513437", "513435"]
HAN_PLACES = ["513401", "513424", "513425", "513426", "513427", "513433", "513422"]
FALLBACK_PLACE = "513401"  # 西昌市: valid for every year in python-stdnum's list


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._lists = {}
        for key, pairs in (("han", HAN_SURNAMES), ("hui", HUI_SURNAMES), ("yi", YI_SURNAMES)):
            names = [n for n, _w in pairs]
            self._lists[key] = (names, list(accumulate(w for _n, w in pairs)))

    def surname(self, ethnicity: str) -> str:
        """Family name for 汉 (01), 回 (03), 彝 (07); 藏族 names have none ('')."""
        key = {"07": "yi", "03": "hui"}.get(ethnicity, "han")
        if ethnicity == "04":
            return ""
        names, cum = self._lists[key]
        return self.rng.choices(names, cum_weights=cum)[0]

    def given(self, male: bool, birth_year: int, ethnicity: str) -> str:
        rng = self.rng
        if ethnicity == "04":
            pool = TIBETAN_GIVEN_MALE if male else TIBETAN_GIVEN_FEMALE
            return rng.choice(pool) + rng.choice(pool)
        if ethnicity == "07" and (birth_year < 1995 or rng.random() < 0.6):
            return rng.choice(YI_GIVEN_MALE if male else YI_GIVEN_FEMALE)
        era = "old" if birth_year < 1966 else "mid" if birth_year < 1991 else "young"
        first, second, single = HAN_GIVEN[("m" if male else "f", era)]
        if rng.random() < 0.22:
            return rng.choice(single)
        a, b = rng.choice(first), rng.choice(second)
        return a + (b if b != a else rng.choice(second))

    def full(self, surname: str, male: bool, birth_year: int, ethnicity: str, taken: set[str]) -> str:
        for _ in range(20):
            name = surname + self.given(male, birth_year, ethnicity)
            if name not in taken:
                break
        taken.add(name)
        return name


class IdMaker:
    """Unique, valid 18-character ID numbers. ``used`` holds the first 17 characters already taken."""

    def __init__(self, rng: random.Random, used: set[str] | None = None):
        self.rng = rng
        self.used = used if used is not None else set()

    def make(self, place: str, birth: datetime.date, male: bool) -> str:
        if not id_place_known(place, birth.year):
            place = FALLBACK_PLACE
        stem = f"{place}{birth:%Y%m%d}"
        parity = 1 if male else 0
        while True:
            first = f"{stem}{self.rng.randrange(500) * 2 + parity:03d}"
            if first not in self.used:
                self.used.add(first)
                return first + check_char(first)


def village_places(rng: random.Random, yi_share: float) -> list[str]:
    """The birth-place codes a village's people mostly carry (its 'home' county code first)."""
    home = rng.choice(YI_PLACES if yi_share >= 0.5 else HAN_PLACES)
    return [home, rng.choice(YI_PLACES), rng.choice(HAN_PLACES)]


def pick_place(rng: random.Random, places: list[str], ethnicity: str, married_in: bool = False) -> str:
    r = rng.random()
    if r < (0.55 if married_in else 0.86):
        return places[0]
    if r < 0.97:
        return places[1] if ethnicity == "07" else places[2]
    return rng.choice(YI_PLACES + HAN_PLACES)


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(10**9):09d}"
