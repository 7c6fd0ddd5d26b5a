"""The registry's pure rules: credit-code check digit, certificate validity, registration."""

import datetime as dt

import pytest

from enterprises import validity
from enterprises.validity import (
    anniversary,
    credit_code_check_char,
    credit_code_problem,
    high_tech_valid_on,
    tech_based_on,
    valid_until,
)
from tests.support import code

D = dt.date

# Published codes of well-known firms (checked against their business licences as published).
REAL_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91110108558521630L",  # 小米通讯技术有限公司
    "91520000214434146R",  # 贵州茅台酒股份有限公司
    "9150000020286320X6",  # 重庆长安汽车股份有限公司
]


@pytest.mark.parametrize("credit_code", REAL_CODES)
def test_real_published_codes_pass(credit_code):
    assert credit_code_problem(credit_code) is None
    assert credit_code_check_char(credit_code[:17]) == credit_code[17]


@pytest.mark.parametrize("credit_code", REAL_CODES)
def test_changing_the_check_character_of_a_real_code_fails(credit_code):
    wrong = credit_code[:17] + ("0" if credit_code[17] != "0" else "1")
    assert "校验位错误" in credit_code_problem(wrong)


def test_hand_computed_check_digit():
    # Organisation code 00000001?: 1 x 2 = 2, 11 - 2 = 9 -> "000000019".
    assert validity.org_code_check_char("00000001") == "9"
    # 9 1 5 0 0 1 0 9 | 0 0 0 0 0 0 0 1 9 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    # 9 + 3 + 45 + 26 + 153 + 30 + 252 = 518 = 16 x 31 + 22, 31 - 22 = 9 -> "9".
    first17 = "91500109" + "00000001" + "9"
    total = sum(validity.CODE_VALUE[c] * w for c, w in zip(first17, validity.CODE_WEIGHTS, strict=True))
    assert total == 518
    assert credit_code_check_char(first17) == "9"
    assert code(1) == "915001090000000199"
    # A letter in the body: "A" is worth 10, "Y" 30 (I, O, S, V, Z are skipped).
    assert validity.CODE_VALUE["A"] == 10 and validity.CODE_VALUE["Y"] == 30


def test_the_briefs_example_is_not_a_valid_code():
    assert credit_code_check_char("91500000202803858") == "X"
    assert "第18位应为 X" in credit_code_problem("91500000202803858R")


def test_check_value_zero_gives_character_zero():
    # Find a body whose checksum is divisible by 31: its check character must be "0", not "Y"+1.
    for n in range(1000):
        c = code(n)
        total = sum(validity.CODE_VALUE[ch] * w for ch, w in zip(c[:17], validity.CODE_WEIGHTS, strict=True))
        if total % 31 == 0:
            assert c[17] == "0"
            return
    pytest.fail("no example in range")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9150010900000001", "应为18位"),
        ("91500109000000019CX", "应为18位"),
        ("91500109I0000001OC", "不允许的字符：I、O"),
        ("915001090000000 9C", "不允许的字符"),
    ],
)
def test_malformed_codes(text, message):
    assert message in credit_code_problem(text)


def test_org_code_check_char_x_and_zero():
    # GB 11714 example: D2143569 -> X is the classic worked example of the standard.
    assert validity.org_code_check_char("D2143569") == "X"


def test_validity_on_boundary_days():
    issued = D(2023, 6, 15)
    assert not high_tech_valid_on(issued, D(2023, 6, 14))  # the day before issue
    assert high_tech_valid_on(issued, issued)  # issue date
    assert high_tech_valid_on(issued, D(2026, 6, 14))  # the day before the third anniversary
    assert not high_tech_valid_on(issued, D(2026, 6, 15))  # the anniversary itself
    assert valid_until(issued) == D(2026, 6, 14)


def test_29_february_is_valid_through_28_february_and_not_on_1_march():
    issued = D(2024, 2, 29)
    assert anniversary(issued) == D(2027, 3, 1)
    assert valid_until(issued) == D(2027, 2, 28)
    assert high_tech_valid_on(issued, D(2027, 2, 28))
    assert not high_tech_valid_on(issued, D(2027, 3, 1))


def test_29_february_into_a_leap_year_keeps_the_date():
    assert anniversary(D(2024, 2, 29), years=4) == D(2028, 2, 29)


def test_tech_based_registration_rules():
    assert not tech_based_on(None, None, D(2025, 1, 1))
    assert not tech_based_on(2025, None, D(2024, 12, 31))  # registered next year
    assert tech_based_on(2025, None, D(2025, 1, 1))  # counted from 1 January of its year
    assert tech_based_on(2023, D(2025, 3, 10), D(2025, 3, 9))  # the day before leaving
    assert not tech_based_on(2023, D(2025, 3, 10), D(2025, 3, 10))  # the day it left
    assert not tech_based_on(2023, D(2025, 3, 10), D(2026, 1, 1))


def test_last_day_of_month():
    assert validity.last_day_of_month(2024, 2) == D(2024, 2, 29)
    assert validity.last_day_of_month(2025, 2) == D(2025, 2, 28)
    assert validity.last_day_of_month(2025, 12) == D(2025, 12, 31)
