"""One reading of "a number of enterprises", shared by the entry grid and every importer.

What a clerk types or Excel copies is accepted when it can mean only one whole number:
"1234", "1,234", "1 234", "1，234", "１２３４", "12.0", a cell holding 12 but formatted as a date
(read as 12, with a warning). Anything that could mean two things is refused: "5,11" (511 or
5.11?), "1,2345", "12.5". The reason is in Chinese and names the value as the clerk sees it.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

UNCOMPUTED_FORMULA_MESSAGE = "该单元格为公式但未保存计算结果，请在 Excel/WPS 中打开并保存后再导入"
_INVISIBLE = {"Cf", "Zs", "Zl", "Zp", "Cc"}
_PLAIN = re.compile(r"^\+?(\d+)(?:\.(0+))?$")
# Groups of three after a 1–3 digit head, one separator kind throughout, an optional ".0".
_GROUPED = re.compile(r"^\+?(\d{1,3}(?:([, ])\d{3})(?:\2\d{3})*)(?:\.(0+))?$")
_DECIMAL = re.compile(r"^[+-]?[\d, ]*\.\d+$")
_NEGATIVE = re.compile(r"^-\s*[\d, ]+(?:\.\d+)?$")


@dataclass(frozen=True)
class DateCell:
    """A numeric cell shown as a date: `serial` is the number stored, `value` the date shown."""

    serial: float
    value: object

    def __str__(self):
        shown = self.value.date() if isinstance(self.value, dt.datetime) else self.value
        return str(shown)


class UncomputedFormula:
    """A formula cell saved without its computed value (a generator or a script wrote it)."""

    def __str__(self):
        return "（公式）"

    def __repr__(self):
        return "UNCOMPUTED"


UNCOMPUTED = UncomputedFormula()


def strip_invisible(text):
    """Text with every Unicode space, zero-width and control character removed."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch) not in _INVISIBLE and not ch.isspace())


def _squeeze(text):
    """NFKC (full-width digits and commas to ASCII), zero-width characters gone, ends trimmed;
    inner spaces kept as one plain space, for "1 234"."""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r" +", " ", text).strip()


@dataclass(frozen=True)
class ParsedNumber:
    value: int | None
    problem: str | None = None
    warning: str | None = None


def parse_whole_number(value):
    """ParsedNumber for a cell or a typed value: a whole number ≥ 0, or a Chinese reason."""
    warning = None
    if value is UNCOMPUTED:
        return ParsedNumber(None, UNCOMPUTED_FORMULA_MESSAGE)
    if isinstance(value, DateCell):
        if not float(value.serial).is_integer():
            return ParsedNumber(None, f"单元格格式为日期（显示为 {value}），不是企业数量")
        number = int(value.serial)
        warning = f"单元格格式为日期（显示为 {value}），已按数字 {number} 读取，请核对"
    elif isinstance(value, bool):
        return ParsedNumber(None, f"“{value}”不是数字")
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ParsedNumber(None, f"“{value}”不是数字")
        if not value.is_integer():
            return ParsedNumber(None, f"“{value:g}”是小数，企业数量必须是整数")
        number = int(value)
    elif isinstance(value, dt.date | dt.time | dt.timedelta):
        return ParsedNumber(None, f"“{value}”是日期或时间，不是企业数量")
    else:
        shown = _squeeze(value)
        number, problem = _parse_text(shown)
        if problem:
            return ParsedNumber(None, problem)
    if number < 0:
        return ParsedNumber(None, f"“{number}”是负数，企业数量不能为负")
    if number > settings.MAX_PLAUSIBLE_COUNT:
        return ParsedNumber(None, f"“{number}”超出合理范围（单个街镇不超过 {settings.MAX_PLAUSIBLE_COUNT} 家），请核对")
    return ParsedNumber(number, None, warning)


def _parse_text(text):
    if text == "":
        return None, "缺少数值"
    match = _PLAIN.match(text)
    if match:
        return int(match.group(1)), None
    match = _GROUPED.match(text)
    if match:
        return int(re.sub(r"[, ]", "", match.group(1))), None
    if _NEGATIVE.match(text):
        return None, f"“{text}”是负数，企业数量不能为负"
    if "," in text or " " in text:
        digits = re.sub(r"[, ]", "", text)
        if re.fullmatch(r"\d+(?:\.\d+)?", digits):
            return None, f"“{text}”的千位分隔符位置不对，无法确定是哪个数，请改为不带分隔符的整数（如 {digits}）"
    if _DECIMAL.match(text):
        return None, f"“{text}”是小数，企业数量必须是整数"
    return None, f"“{text}”不是数字"
