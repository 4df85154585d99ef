"""How a spreadsheet file writes its text, numbers and dates.

The reading options of the order import (:class:`ReadOptions`), each of which may be
left to detection: the encoding (a byte order mark, then strict UTF-8, then chardet's
guess among the Windows code pages), the CSV separator, the decimal and thousands
separators of numbers and the date format. Numbers and dates are turned into the text
the canonical order reads (``1234.50``, ``2026-11-20 10:15:00``).

A cell is data, never a formula: nothing here evaluates a cell. ``formula_safe``
escapes a text that a spreadsheet would take for a formula (a leading ``'``, as Odoo's
CSV export does) and ``unescape_formula`` removes that escape when such a file is read
back.
"""

import codecs
import re
from dataclasses import dataclass, fields, replace
from datetime import datetime

AUTO = "auto"

# (key, label) pairs; the keys are stored on the channel, the labels shown to users.
ENCODINGS = (
    (AUTO, "Detect"),
    ("utf-8", "UTF-8"),
    ("windows-1250", "Windows-1250 (Central European)"),
    ("windows-1251", "Windows-1251 (Cyrillic)"),
    ("windows-1252", "Windows-1252 (Western European)"),
    ("windows-1253", "Windows-1253 (Greek)"),
    ("windows-1254", "Windows-1254 (Turkish)"),
    ("windows-1255", "Windows-1255 (Hebrew)"),
    ("windows-1256", "Windows-1256 (Arabic)"),
    ("windows-1257", "Windows-1257 (Baltic)"),
    ("windows-1258", "Windows-1258 (Vietnamese)"),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("koi8-r", "KOI8-R (Cyrillic)"),
    ("utf-16", "UTF-16"),
)
SEPARATORS = (
    (AUTO, "Detect"),
    ("comma", "Comma ( , )"),
    ("semicolon", "Semicolon ( ; )"),
    ("tab", "Tab"),
    ("pipe", "Vertical bar ( | )"),
)
DECIMAL_SEPARATORS = ((AUTO, "Detect"), ("dot", "Dot ( 9.90 )"), ("comma", "Comma ( 9,90 )"))
THOUSANDS_SEPARATORS = (
    (AUTO, "Detect"),
    ("none", "None ( 1234 )"),
    ("comma", "Comma ( 1,234 )"),
    ("dot", "Dot ( 1.234 )"),
    ("space", "Space ( 1 234 )"),
    ("apostrophe", "Apostrophe ( 1'234 )"),
)
DATE_FORMATS = (
    (AUTO, "Detect"),
    ("iso", "ISO 8601 ( 2026-11-20 )"),
    ("%d/%m/%Y", "Day/Month/Year ( 20/11/2026 )"),
    ("%m/%d/%Y", "Month/Day/Year ( 11/20/2026 )"),
    ("%d.%m.%Y", "Day.Month.Year ( 20.11.2026 )"),
    ("%d-%m-%Y", "Day-Month-Year ( 20-11-2026 )"),
    ("%Y/%m/%d", "Year/Month/Day ( 2026/11/20 )"),
    ("%d/%m/%y", "Day/Month/Year, 2 digits ( 20/11/26 )"),
)

_SEPARATOR_CHARS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
_MARK_CHARS = {"dot": ".", "comma": ",", "apostrophe": "'"}
# Spaces group thousands in many locales (Excel writes a no-break space in French):
# never a decimal mark, they are read as grouping whenever grouping is allowed.
_SPACES = " \u00a0\u202f\u2009"
_TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# chardet's guesses whose letters sit where a Windows code page has them; other
# guesses (MacCyrillic, IBM866, ...) are not what spreadsheets on Windows write.
_WINDOWS_CODE_PAGES = {
    **{f"windows-{page}": f"windows-{page}" for page in range(1250, 1259)},
    "iso-8859-1": "windows-1252",
    "ascii": "windows-1252",
    "iso-8859-7": "windows-1253",
    "iso-8859-8": "windows-1255",
    "iso-8859-9": "windows-1254",
    "iso-8859-13": "windows-1257",
}
# Bytes that are Icelandic letters in Windows-1252 (Ð Ý Þ ð ý þ) and Turkish ones in
# Windows-1254 (Ğ İ Ş ğ ı ş): chardet often calls Turkish text Latin-1.
_TURKISH_BYTES = re.compile(rb"[\xd0\xdd\xde\xf0\xfd\xfe]")
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_DETECTION_SAMPLE = 200_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; each option is a key of its list above, ``auto`` to detect.

    Once a file is read, the options it was read with have no ``auto`` left, except
    ``encoding`` and ``separator`` which are empty for a workbook.
    """

    encoding: str = AUTO
    separator: str = AUTO
    decimal_separator: str = AUTO
    thousands_separator: str = AUTO
    date_format: str = AUTO

    def __post_init__(self):
        for option, choices in (
            ("encoding", ENCODINGS),
            ("separator", SEPARATORS),
            ("decimal_separator", DECIMAL_SEPARATORS),
            ("thousands_separator", THOUSANDS_SEPARATORS),
            ("date_format", DATE_FORMATS),
        ):
            value = getattr(self, option)
            if value and value not in dict(choices):
                raise ValueError(f"Unknown {option}: {value!r}.")

    @classmethod
    def from_dict(cls, values):
        """Options from a dict (a record's values); missing or empty ones are ``auto``."""
        return cls(**{f.name: values.get(f.name) or AUTO for f in fields(cls)})

    def labels(self):
        """The options in words, for the person who reads the preview."""
        choices = (ENCODINGS, SEPARATORS, DECIMAL_SEPARATORS, THOUSANDS_SEPARATORS, DATE_FORMATS)
        return {
            f.name: dict(options).get(getattr(self, f.name)) or "-"
            for f, options in zip(fields(self), choices, strict=True)
        }


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def detect_encoding(content: bytes) -> str:
    """The encoding of a text file, a key of :data:`ENCODINGS` (never ``auto``).

    A byte order mark decides; then text that is valid UTF-8 is UTF-8; then chardet
    guesses among the Windows code pages, from the lines that are not plain ASCII;
    Windows-1252 when it has no usable guess.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding
    if _decodes(content, "utf-8"):
        return "utf-8"
    for encoding in _windows_guesses(content):
        if _decodes(content, encoding):
            return encoding
    # Latin-1 decodes every byte: the preview shows whether the letters are right.
    return "iso-8859-1"


def decode(content: bytes, encoding: str, source: str = "The file") -> str:
    """The text of ``content`` in ``encoding`` (a BOM of it dropped).

    Raises ``ValueError`` with a sentence naming the byte and line that cannot be
    decoded.
    """
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        label = dict(ENCODINGS).get(encoding, encoding)
        raise ValueError(
            f"{source} is not {label} text: byte 0x{content[exc.start]:02X} on line {line} "
            "cannot be decoded. Choose the file's encoding, or save it as UTF-8."
        ) from None


def detect_separator(header_line: str) -> str:
    """The separator key found most often in the header line (comma if none)."""
    counts = {key: header_line.count(char) for key, char in _SEPARATOR_CHARS.items()}
    return max(counts, key=counts.get) if any(counts.values()) else "comma"


def separator_char(separator: str) -> str:
    return _SEPARATOR_CHARS[separator]


def looks_like_formula(value) -> bool:
    """Whether a spreadsheet would take the text ``value`` for a formula (or a
    formula's start: ``=`` ``+`` ``-`` ``@``, a tab or a carriage return)."""
    return isinstance(value, str) and value.startswith(_FORMULA_STARTS)


def formula_safe(value):
    """``value`` with a leading ``'`` when a spreadsheet would take it for a formula."""
    return "'" + value if looks_like_formula(value) else value


def unescape_formula(text: str) -> str:
    """The text ``formula_safe`` escaped, as it was."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


def detect_decimal_separator(texts) -> str:
    """``comma`` when the numbers written with a comma or dot mostly use a decimal
    comma, else ``dot``.

    A mark is a decimal mark when it comes last and once, and is not followed by
    exactly three digits (``1,234`` could be either: it does not count).
    """
    votes = {"dot": 0, "comma": 0}
    for text in texts:
        marks = [char for char in text if char in ".,"]
        if not marks:
            continue
        last = marks[-1]
        decimals = text.rsplit(last, 1)[1].strip()
        if marks.count(last) > 1:
            continue  # only grouping marks: 1.234.567
        if len(set(marks)) > 1 or not (decimals.isdigit() and len(decimals) == 3):
            votes["comma" if last == "," else "dot"] += 1
    return "comma" if votes["comma"] > votes["dot"] else "dot"


def resolve_thousands_separator(thousands: str, decimal: str) -> str:
    """``auto`` grouping is the mark that is not the decimal one."""
    if thousands != AUTO:
        return thousands
    return "dot" if decimal == "comma" else "comma"


def parse_number(text: str, decimal: str = "dot", thousands: str = "none"):
    """The number ``text`` writes, as canonical text (``1234.50``); None if it is none.

    ``decimal`` and ``thousands`` are keys (``dot``, ``comma``, ...). Grouping must be
    in threes (``1.234,5``); spaces and no-break spaces group too unless thousands is
    ``none``. The digits are kept as written, never rounded.
    """
    decimal_char = _MARK_CHARS[decimal]
    pattern = _number_pattern(decimal_char, _grouping_chars(thousands, decimal_char))
    match = pattern.fullmatch(text.strip())
    if not match:
        return None
    sign, integer, fraction = match.group("sign", "int", "frac")
    digits = re.sub(r"\D", "", integer)
    return f"{sign or ''}{digits}{'.' + fraction if fraction else ''}"


def _grouping_chars(thousands, decimal_char):
    if thousands == "none":
        return ""
    chars = _SPACES + ("" if thousands == "space" else _MARK_CHARS[thousands])
    return chars.replace(decimal_char, "")


def _number_pattern(decimal_char, grouping):
    integer = r"\d+"
    if grouping:
        integer = rf"(?:\d{{1,3}}(?:[{re.escape(grouping)}]\d{{3}})+|\d+)"
    return re.compile(
        rf"(?P<sign>[-+])?(?P<int>{integer})(?:{re.escape(decimal_char)}(?P<frac>\d+))?"
    )


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def detect_date_format(texts) -> str:
    """The first date format that reads every text (ISO 8601 first); ``iso`` if none."""
    texts = [text for text in texts if text]
    for date_format, _label in DATE_FORMATS[1:]:
        if all(parse_date(text, date_format) is not None for text in texts):
            return date_format
    return "iso"


def parse_date(text: str, date_format: str = "iso"):
    """The date ``text`` writes, as canonical text; None if it is not in the format.

    ISO 8601 text is returned as written (the canonical order reads its time zone);
    any other format may be followed by a time (``20/11/2026 10:15``).
    """
    text = text.strip()
    if date_format == "iso":
        try:
            datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
        except ValueError:
            return None
        return text
    for suffix in _TIME_SUFFIXES:
        try:
            moment = datetime.strptime(text, date_format + suffix)
        except ValueError:
            continue
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return None


# ---------------------------------------------------------------------------
# Private helpers
# ---------------------------------------------------------------------------


def _decodes(content, encoding):
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _windows_guesses(content):
    """chardet's guesses for ``content``, as Windows code pages, best first."""
    import chardet  # comes with Odoo; only files that are not UTF-8 need it

    sample = b"\n".join(_NON_ASCII_LINE.findall(content[: _DETECTION_SAMPLE * 5]))
    guesses = []
    for guess in chardet.detect_all(sample[:_DETECTION_SAMPLE]):
        encoding = _WINDOWS_CODE_PAGES.get((guess["encoding"] or "").lower())
        if encoding and encoding not in guesses:
            guesses.append(encoding)
    if (not guesses or guesses[0] == "windows-1252") and _TURKISH_BYTES.search(sample):
        guesses.insert(0, "windows-1254")
    return [*guesses, "windows-1252"]


def resolved(options: ReadOptions, **values) -> ReadOptions:
    """``options`` with the detected ``values`` in place of ``auto``."""
    return replace(
        options,
        **{name: value for name, value in values.items() if getattr(options, name) == AUTO},
    )


def selection(choices):
    """``choices`` as an Odoo selection given by a function. The date formats differ
    only by case ("%d/%m/%Y", "%d/%m/%y"), and Odoo names the stored options of a
    static selection in lower case, so they cannot be one."""
    return lambda _records: list(choices)
