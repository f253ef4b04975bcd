"""Syllables for plausible, fictional place names. Deterministic given a random.Random."""

import random

PLACE_FIRST = list("青石桥河坪坝湾岩松柏龙凤新和平安福兴民丰金银白黑红黄云山水田林竹花杨柳马牛羊鹤")
PLACE_SECOND = list("溪沟岭坡塘垭口湾坝坪山岗堡寨庄林源泉滩岩梁埝洞峪屯台冈营关")


def place_names(rng: random.Random, count: int, suffix: str, taken: set[str] | None = None) -> list[str]:
    taken = set() if taken is None else taken
    out = []
    while len(out) < count:
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + suffix
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out
