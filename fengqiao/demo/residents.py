"""Made-up residents for the demo: names, phone numbers and ID numbers that pass the GB 11643 checksum."""

import datetime as dt
import random

from fengqiao.lib.idnumber import check_char

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN_NAMES = (
    "建国",
    "建华",
    "国强",
    "志刚",
    "秀英",
    "桂英",
    "玉兰",
    "淑珍",
    "丽娟",
    "海燕",
    "晓明",
    "文静",
    "立新",
    "红梅",
    "春生",
    "凤霞",
    "永刚",
    "德福",
    "子涵",
    "浩然",
    "雨桐",
    "思远",
    "金凤",
    "振华",
    "美玲",
    "宏伟",
    "秀兰",
    "俊杰",
)
PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "187", "188")


def id_number(region: str, born: dt.date, sequence: int) -> str:
    """An 18-digit number: six-digit region code, birth date, three-digit sequence (odd for men), check char."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def random_id_number(rng: random.Random, region: str) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 65))
    return id_number(region, born, rng.randrange(1, 1000))


def random_phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
