"""How offices write a sub-district's name, and which rows of their tables are not sub-districts.

A name in a file matches a sub-district, after every Unicode space and zero-width character is
removed and full-width letters are folded (NFKC), when it is:

- the name itself: 天生街道, 澄江镇;
- the stem without 街道 or 镇: 天生, 澄江;
- the name of its administrative body: 天生街道办事处, 澄江镇人民政府 (also 澄江镇政府);
- a former name in `FORMER_NAMES`: towns turned into 街道 (撤镇设街道), e.g. 歇马镇 → 歇马街道;
- failing all these, the name with a wrong suffix (施家梁街道 for 施家梁镇, 天生镇 for 天生街道),
  when its stem names exactly one sub-district of the month and no unit that is not (one that
  has left or not yet joined is refused with its reason, as its own name is).

A name that would match two sub-districts is refused as ambiguous. Group and subtotal rows
(A类镇街, B类街镇, 小计, 合计 with any spacing, 总计, 全区合计, A类小计…) are not sub-districts:
the importers skip them and list them as skipped.
"""

import re
import unicodedata
from dataclasses import dataclass

from .numbers import strip_invisible

FORMER_NAMES = {
    "水土镇": "水土街道",
    "复兴镇": "复兴街道",
    "歇马镇": "歇马街道",
    "蔡家岗镇": "蔡家岗街道",
}
BODY_SUFFIXES = ("街道办事处", "办事处", "人民政府", "政府")
_GROUP_ROW = re.compile(
    r"^(?:[A-Za-z甲乙丙一二三]类(?:镇街|街镇|街道|乡镇)?(?:小计|合计)?|全区(?:合计|总计|小计)?|.{0,8}(?:小计|合计|总计))$"
)


def normalise(text):
    return strip_invisible(unicodedata.normalize("NFKC", str(text or "")))


def is_group_row(text):
    """True for a group or subtotal label: A类镇街, 小计, 合 计, 全区合计, A类小计…"""
    key = normalise(text)
    return bool(key) and bool(_GROUP_ROW.match(key))


def _stem(name):
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class NameMatch:
    subdistrict: object | None
    alias: str | None = None  # the text as written, when it was not the name itself
    problem: str | None = None
    because: str = ""  # why an alias was read as this sub-district, when it is not a known alias


class SubDistrictNames:
    """The alias table of the given sub-districts (the district's, from the database)."""

    def __init__(self, subdistricts, elsewhere=None):
        """`elsewhere` ({unit: why}) are units known to the district that may not be named here
        (a unit that had left by the month, or had not yet joined): a name of theirs is refused
        with its reason rather than as unknown."""
        self.keys, self.elsewhere = {}, {}
        for sub, why in (elsewhere or {}).items():
            for alias in self._aliases(sub):
                self.elsewhere.setdefault(alias, why)
        for sub in subdistricts:
            for alias in self._aliases(sub):
                self.keys.setdefault(alias, {})[sub.pk] = sub

    @staticmethod
    def _aliases(sub):
        name = normalise(sub.name)
        aliases = {name, _stem(name), name + "办事处", name + "人民政府", name + "政府"}
        return aliases | {former for former, current in FORMER_NAMES.items() if current == sub.name}

    def _elsewhere(self, key):
        if key in self.elsewhere:
            return self.elsewhere[key]
        for suffix in BODY_SUFFIXES:
            if key.endswith(suffix) and key[: -len(suffix)] in self.elsewhere:
                return self.elsewhere[key[: -len(suffix)]]
        return None

    def _lookup(self, key):
        candidates = self.keys.get(key)
        if candidates is None:
            for suffix in BODY_SUFFIXES:
                if key.endswith(suffix) and len(key) > len(suffix):
                    candidates = self.keys.get(key[: -len(suffix)])
                    if candidates is not None:
                        break
        return candidates

    def _other_suffix(self, key):
        """(candidates, why) of a name whose 街道/镇/乡 is not its unit's: read by its stem, or
        refused with the reason of a unit not of the month that the stem names."""
        for suffix in ("", *BODY_SUFFIXES):
            base = key[: -len(suffix)] if suffix else key
            if suffix and not key.endswith(suffix):
                continue
            stem = _stem(base)
            if stem == base:
                continue
            why = self._elsewhere(stem)
            if why:
                return None, why
            if stem in self.keys:
                return self.keys[stem], None
        return None, None

    def match(self, raw):
        written = str(raw or "").strip()
        key = normalise(written)
        candidates = self._lookup(key)
        suffix_note = ""
        if not candidates:
            why = self._elsewhere(key)
            if why is None:
                candidates, why = self._other_suffix(key)
                suffix_note = "（名称后缀与街镇全称不符，按唯一对应的街镇读取）"
            if not candidates:
                return NameMatch(None, problem=why or f"未知街镇“{key}”")
        if len(candidates) > 1:
            names = "、".join(sorted(sub.name for sub in candidates.values()))
            return NameMatch(None, problem=f"“{key}”可能指{names}，无法确定，请填写街镇全称")
        sub = next(iter(candidates.values()))
        if written == sub.name:
            return NameMatch(sub)
        if key == normalise(sub.name):
            return NameMatch(sub, alias=f"{key}（含空格或不可见字符）")
        if len(candidates) == 1 and suffix_note:
            return NameMatch(sub, alias=key, because=suffix_note)
        return NameMatch(sub, alias=key)

    def match_row(self, raw, row_no, place, seen, result):
        """The subdistrict a table's row names, or None once the row is refused on `result` (an
        unknown name, or a subdistrict already named at the row `seen` keeps for it); a name read
        as another's is noted."""
        match = self.match(raw)
        if match.subdistrict is None:
            result.error(f"{place}：{match.problem}。")
            return None
        sub = match.subdistrict
        if sub.pk in seen:
            result.error(f"{place}：“{sub.name}”重复出现（第{seen[sub.pk]}行已有）。")
            return None
        seen[sub.pk] = row_no
        if match.alias:
            result.notes.append(f"第{row_no}行：原表“{match.alias}” → {sub.name}{match.because}。")
        return sub
