"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters from a 31-character alphabet (digits and upper-case letters
without I, O, Z, S, V). The 18th character is a check character computed from
the first 17 with weights 3^(i) mod 31.
"""

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registering authority (登记管理部门代码).
AUTHORITY_CODES = set("123456789ABCDEFGNY")


def normalize(raw: str) -> str:
    return "".join(raw.split()).upper()


def check_character(body: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = normalize(value or "")
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为 18 位，当前为 %(length)s 位。", code="uscc_length", params={"length": len(code)}
        )
    bad = sorted({char for char in code if char not in ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            code="uscc_charset",
            params={"chars": "、".join(bad)},
        )
    if code[0] not in AUTHORITY_CODES:
        raise ValidationError("统一社会信用代码第 1 位（登记管理部门代码）无效。", code="uscc_authority")
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第 3～8 位应为行政区划代码（6 位数字）。", code="uscc_division")
    if check_character(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入。", code="uscc_check")
