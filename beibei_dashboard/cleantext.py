"""Text a user sends is data: control characters are removed where it enters (forms, imports)
and again where it leaves (xlsx, docx), so that nothing stored can break a document.

XML 1.0, and with it every .xlsx and .docx, cannot hold C0 controls other than tab, line feed
and carriage return; openpyxl refuses them (IllegalCharacterError) and lxml too. C1 controls,
DEL, the bidirectional overrides (which reorder what a reader sees: "Trojan source") and the
non-characters U+FFFE/U+FFFF have no place in a name, a note or a reason either.
"""

import re

# Tab, line feed and carriage return are kept where a text may have lines (notes, reasons).
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_OTHER = "\ufffe\uffff\ud800-\udfff"
_UNWANTED = re.compile(f"[{_CONTROLS}{_BIDI}{_OTHER}]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


def clean_text(value, multiline=True):
    """`value` without control characters; a one-line text also loses tabs and line breaks
    (each run of them becomes one space). Anything that is not a str is returned as it is."""
    if not isinstance(value, str):
        return value
    value = _UNWANTED.sub("", value)
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    return value


def has_unwanted(value):
    """Whether `value` holds a character `clean_text` would remove (tab and line breaks kept)."""
    return isinstance(value, str) and _UNWANTED.search(value) is not None


FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell(value):
    """Spreadsheet text as it may be written: without control characters (a stored text may hold
    them, and openpyxl refuses the file), and as text, never as a formula."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
