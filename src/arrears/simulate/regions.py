"""Where synthetic borrowers come from: mainland provinces, weighted by population, and the
county-level region codes that open their resident ID numbers.

The county codes are the administrative-division list that Faker ships for its zh_CN ID numbers;
only county-level codes (not ending in 00) of the 31 mainland provinces are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker.providers.ssn.zh_CN import Provider as ChineseIdProvider


@dataclass(frozen=True, slots=True)
class Province:
    """A province-level division: the first two digits of its region codes, its name, its
    population in millions (2020 census, rounded), which sets how many borrowers live there, and
    a few of its larger cities for addresses (none for a municipality, 直辖市, whose addresses
    go straight to the district)."""

    code: str
    name: str
    population_millions: int
    cities: tuple[str, ...] = ()

    @property
    def municipality(self) -> bool:
        return not self.cities


PROVINCES: tuple[Province, ...] = (
    Province("11", "北京市", 22),
    Province("12", "天津市", 14),
    Province("13", "河北省", 75, ("石家庄市", "唐山市", "保定市", "邯郸市", "廊坊市")),
    Province("14", "山西省", 35, ("太原市", "大同市", "运城市", "长治市")),
    Province("15", "内蒙古自治区", 24, ("呼和浩特市", "包头市", "赤峰市", "鄂尔多斯市")),
    Province("21", "辽宁省", 43, ("沈阳市", "大连市", "鞍山市", "锦州市")),
    Province("22", "吉林省", 24, ("长春市", "吉林市", "四平市", "延吉市")),
    Province("23", "黑龙江省", 32, ("哈尔滨市", "齐齐哈尔市", "大庆市", "牡丹江市")),
    Province("31", "上海市", 25),
    Province("32", "江苏省", 85, ("南京市", "苏州市", "无锡市", "常州市", "徐州市", "南通市")),
    Province("33", "浙江省", 65, ("杭州市", "宁波市", "温州市", "绍兴市", "金华市")),
    Province("34", "安徽省", 61, ("合肥市", "芜湖市", "蚌埠市", "阜阳市", "安庆市")),
    Province("35", "福建省", 41, ("福州市", "厦门市", "泉州市", "漳州市")),
    Province("36", "江西省", 45, ("南昌市", "赣州市", "九江市", "上饶市")),
    Province("37", "山东省", 101, ("济南市", "青岛市", "烟台市", "潍坊市", "临沂市", "济宁市")),
    Province("41", "河南省", 99, ("郑州市", "洛阳市", "南阳市", "新乡市", "商丘市", "周口市")),
    Province("42", "湖北省", 58, ("武汉市", "宜昌市", "襄阳市", "荆州市")),
    Province("43", "湖南省", 66, ("长沙市", "株洲市", "衡阳市", "岳阳市", "常德市")),
    Province("44", "广东省", 126, ("广州市", "深圳市", "东莞市", "佛山市", "惠州市", "汕头市", "湛江市")),
    Province("45", "广西壮族自治区", 50, ("南宁市", "柳州市", "桂林市", "玉林市")),
    Province("46", "海南省", 10, ("海口市", "三亚市", "儋州市")),
    Province("50", "重庆市", 32),
    Province("51", "四川省", 84, ("成都市", "绵阳市", "南充市", "宜宾市", "德阳市")),
    Province("52", "贵州省", 39, ("贵阳市", "遵义市", "六盘水市", "毕节市")),
    Province("53", "云南省", 47, ("昆明市", "曲靖市", "大理市", "玉溪市")),
    Province("54", "西藏自治区", 4, ("拉萨市", "日喀则市")),
    Province("61", "陕西省", 40, ("西安市", "咸阳市", "宝鸡市", "渭南市")),
    Province("62", "甘肃省", 25, ("兰州市", "天水市", "酒泉市")),
    Province("63", "青海省", 6, ("西宁市", "海东市", "格尔木市")),
    Province("64", "宁夏回族自治区", 7, ("银川市", "石嘴山市", "吴忠市")),
    Province("65", "新疆维吾尔自治区", 26, ("乌鲁木齐市", "喀什市", "伊宁市", "库尔勒市", "克拉玛依市")),
)

XINJIANG = "65"
"""Many people in Xinjiang keep Ürümqi time, two hours behind Beijing: their zone is Asia/Urumqi."""


@dataclass(frozen=True, slots=True)
class RegionTable:
    """County codes grouped by province, for vectorised sampling.

    codes[offsets[p] : offsets[p] + counts[p]] are the county codes of PROVINCES[p].
    """

    codes: np.ndarray  # int32 six-digit region codes
    offsets: np.ndarray
    counts: np.ndarray
    weights: np.ndarray  # share of borrowers living in each province; sums to 1
    city_names: tuple[str, ...]  # every province's cities, one after another
    city_offsets: np.ndarray
    city_counts: np.ndarray

    def sample(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(province index, region code) for `size` people."""
        province = rng.choice(len(PROVINCES), size=size, p=self.weights)
        within = (rng.random(size) * self.counts[province]).astype(np.int64)
        return province, self.codes[self.offsets[province] + within]

    def sample_cities(self, rng: np.random.Generator, province: np.ndarray) -> np.ndarray:
        """An index into `city_names` of a city in each province (any, for a municipality)."""
        within = (rng.random(province.size) * np.maximum(self.city_counts[province], 1)).astype(np.int64)
        return self.city_offsets[province] + within


@lru_cache(maxsize=1)
def region_table() -> RegionTable:
    by_province: dict[str, list[int]] = {province.code: [] for province in PROVINCES}
    for code in sorted(set(ChineseIdProvider.area_codes)):
        if len(code) == 6 and code.isdigit() and not code.endswith("00") and code[:2] in by_province:
            by_province[code[:2]].append(int(code))
    empty = [code for code, codes in by_province.items() if not codes]
    if empty:
        raise RuntimeError(f"no county region codes for provinces {empty}; has Faker's list changed?")
    counts = np.array([len(by_province[p.code]) for p in PROVINCES], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    codes = np.array([c for p in PROVINCES for c in by_province[p.code]], dtype=np.int32)
    population = np.array([p.population_millions for p in PROVINCES], dtype=np.float64)
    city_counts = np.array([len(p.cities) for p in PROVINCES], dtype=np.int64)
    return RegionTable(
        codes=codes,
        offsets=offsets,
        counts=counts,
        weights=population / population.sum(),
        city_names=tuple(city for p in PROVINCES for city in p.cities),
        city_offsets=np.concatenate(([0], np.cumsum(city_counts)[:-1])),
        city_counts=city_counts,
    )
