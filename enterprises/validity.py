"""Pure rules of the registry: credit codes, certificate validity, tech-based registration.

No ORM, no request: plain values in, plain values out. The database counts use the same rules
through `HighTechRecognition.valid_until`, which is computed here.
"""

import datetime as dt

# GB 32100-2015: 统一社会信用代码 uses digits and 26 letters without I, O, Z, S, V.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_VALUE = {char: index for index, char in enumerate(CODE_CHARS)}
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997: the 9-character organisation code inside the credit code (positions 9–17).
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

HIGH_TECH_YEARS = 3


def credit_code_check_char(first17):
    """The 18th character of a credit code whose first 17 characters are `first17`."""
    total = sum(CODE_VALUE[char] * weight for char, weight in zip(first17, CODE_WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8):
    """The 9th character of an organisation code (GB 11714): 0–9 or X."""
    total = sum(CODE_VALUE[char] * weight for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise_credit_code(text):
    return (text or "").strip().upper()


def credit_code_problem(code):
    """None when `code` is a well-formed credit code with the right check digit, else why not."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，“{code}”为{len(code)}位"
    bad = sorted({char for char in code if char not in CODE_VALUE})
    if bad:
        return f"统一社会信用代码“{code}”含有不允许的字符：{'、'.join(bad)}（不使用 I、O、Z、S、V）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码“{code}”校验位错误（第18位应为 {expected}）"
    return None


def is_valid_credit_code(code):
    return credit_code_problem(code) is None


def anniversary(issue_date, years=HIGH_TECH_YEARS):
    """The same date `years` later; a 29 February issue date reaches it on 1 March.

    We give the firm its full three years: a certificate issued on 29 February 2024 is valid
    through 28 February 2027 and no longer on 1 March 2027.
    """
    try:
        return issue_date.replace(year=issue_date.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(issue_date.year + years, 3, 1)


def valid_until(issue_date):
    """The last day a high-tech certificate issued on `issue_date` is valid (inclusive)."""
    return anniversary(issue_date) - dt.timedelta(days=1)


def high_tech_valid_on(issue_date, day):
    """issue date ≤ day < the same date three years later."""
    return issue_date <= day < anniversary(issue_date)


def tech_based_on(registered_year, left_on, day):
    """Counted on `day` when registered in a year ≤ day's year and not yet left (退库)."""
    if registered_year is None or registered_year > day.year:
        return False
    return left_on is None or day < left_on


def last_day_of_month(year, month):
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
