"""What each cue of a scrape IS, as grammars, shared by ingest, survey and check.

Every reader here returns what it read and the *form* it was written in (the
survey counts forms), or says why a line that looks like the cue cannot be read.
A cue is recognised by its shape, never by the seeds' exact wording:

- a date: numeric with dots, slashes or hyphens (``14.03.1879``, ``14/3/79``,
  ``1879-03-14``), in words with full or abbreviated months in either order
  (``14 March 1879``, ``15 Feb 2003``, ``March 14, 1879``), a month and year, a
  year, a decade (``1990s``) or a span (``1914-18``, ``March–May 2003``);
- a provenance line: "This article first appeared in / appears in / was first
  published in the D Month YYYY issue of the New Statesman, TITLE";
- a bio: "Name is/was a/the ...", "Name and Name are ...", "A, B and C are ...";
- a picture credit: "... Photo: NAME" (Photograph, Picture, Illustration, Image),
  an all-capitals agency line, or a "Name/Agency" line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.content import event_dates

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS: dict[str, int] = {}
for _i, _name in enumerate(MONTH_NAMES, start=1):
    MONTHS[_name] = _i
    MONTHS[_name[:3]] = _i
MONTHS["sept"] = 9

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DASH = r"[-–—]"
# What may follow a date before the event's text: a space, or a colon, comma or dash.
_AFTER = r"(?=[\s:,;–—-]|$)[\s:,;–—-]*"


@dataclass(frozen=True)
class DateRead:
    value: str  # the stored form: generator/content/event_dates.py
    form: str  # how it was written, for the survey: "dd.mm.yy", "d Month yyyy", ...
    rest: str  # the text after the date


@dataclass(frozen=True)
class DateFail:
    raw: str
    why: str


def _month(name: str) -> int:
    return MONTHS[
        name.lower().rstrip(".")[:4]
        if name.lower().startswith("sept")
        else name.lower().rstrip(".")[:3]
    ]


def _day_value(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _word_month_form(name: str) -> str:
    return "Month" if len(name.rstrip(".")) > 3 and name.lower() != "sept" else "Mon"


def _resolve_two_digit(yy: int, month: int, day: int, issue: dt.date | None) -> int | None:
    """The year a two-digit year means: the latest one not after the issue's own date."""
    if issue is None:
        return None
    year = issue.year // 100 * 100 + yy
    try:
        if dt.date(year, month, day) > issue:
            year -= 100
    except ValueError:
        if year > issue.year:
            year -= 100
    return year


_NUMERIC = re.compile(rf"^(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_AFTER}")
_ISO = re.compile(rf"^(\d{{4}})-(\d{{2}})-(\d{{2}}){_AFTER}")
_NUM_MONTH = re.compile(rf"^(\d{{1,2}})([./])(\d{{4}}){_AFTER}")
# "1914-18", "1914–1918", "1914/18"; "1914 – 1918" spaced only with four digits
# ("1914 – 18 die" is a year and its text).
_YEAR_SPAN = re.compile(
    rf"^(\d{{4}})(?:(?:{_DASH}|/)(\d{{4}}|\d{{2}})|\s+{_DASH}\s+(\d{{4}}))(?!\d){_AFTER}"
)
_DECADE = re.compile(rf"^(\d{{3}})0(?:s|['’]s){_AFTER}")
_YEAR = re.compile(rf"^(\d{{4}}){_AFTER}")
# Words: "14 March 1879", "14-18 March 2003", "14 March-2 April 2003",
# "14 March 2003-2 April 2004"; "March 14, 1879"; "June 2017", "March-May 2003",
# "March 2003-May 2004".
_W_DMY = re.compile(
    rf"^({_DAY})(?:\s*{_DASH}\s*({_DAY}))?\s+({_MONTH})(?:,?\s+(\d{{4}})\s*{_DASH}\s*({_DAY})\s+"
    rf"({_MONTH})|\s*{_DASH}\s*({_DAY})\s+({_MONTH}))?,?\s+(\d{{4}}){_AFTER}",
    re.IGNORECASE,
)
_W_MDY = re.compile(rf"^({_MONTH})\s+({_DAY}),?\s+(\d{{4}}){_AFTER}", re.IGNORECASE)
_W_MY = re.compile(
    rf"^({_MONTH})(?:,?\s+(\d{{4}})\s*{_DASH}\s*({_MONTH}),?\s+|\s*{_DASH}\s*({_MONTH}),?\s+|,?\s+)"
    rf"(\d{{4}}){_AFTER}",
    re.IGNORECASE,
)
# A bullet that starts like a date: a digit, or a month name then a digit.
_DATE_LIKE = re.compile(rf"^(?:\d|{_MONTH}\s*\d|{_MONTH}\s*{_DASH})", re.IGNORECASE)


def looks_like_date(text: str) -> bool:
    return bool(_DATE_LIKE.match(text))


def _int(day: str) -> int:
    return int(re.match(r"\d+", day).group())  # type: ignore[union-attr]


def read_date(text: str, issue: dt.date | None) -> DateRead | DateFail | None:
    """The date a timeline bullet starts with; None when it starts with no date."""
    first = text[:1]
    if first.isdigit():
        read = _read_numeric_start(text, issue)
        # A year 0000 (or 000X) matched the patterns but is no date the schema
        # takes: ingest wrote it and check then refused it. Unread, and said.
        if isinstance(read, DateRead) and not event_dates.valid(read.value):
            return DateFail(read.value, "not a date of the calendar")
        return read
    if first.isalpha() and (match := _W_MDY.match(text) or _W_MY.match(text)):
        return _read_month_start(match, text)
    if looks_like_date(text):
        return DateFail(text.split(" ", 3)[0], "a month name not followed by a date")
    return None


def _span(start: str | None, end: str | None, raw: str) -> str | DateFail:
    if start is None or end is None:
        return DateFail(raw, "one end of the span is not a date")
    if not start < end:
        return DateFail(raw, "the span ends before it starts")
    return f"{start}/{end}"


def _read_numeric_start(text: str, issue: dt.date | None) -> DateRead | DateFail | None:
    if m := _ISO.match(text):
        value = _day_value(int(m[1]), int(m[2]), int(m[3]))
        if value is None:
            return DateFail(m[0].strip(), "not a day of the calendar")
        return DateRead(value, "yyyy-mm-dd", text[m.end() :])
    if m := _NUMERIC.match(text):
        day, sep, month, year = int(m[1]), m[2], int(m[3]), m[4]
        form = f"{'d' * len(m[1])}{sep}{'m' * len(m[3])}{sep}{'y' * len(year)}"
        raw = f"{m[1]}{sep}{m[3]}{sep}{year}"
        if len(year) == 2:
            resolved = _resolve_two_digit(int(year), month, day, issue)
            if resolved is None:
                return DateFail(raw, "a two-digit year, and no issue date to resolve it by")
            full = resolved
        else:
            full = int(year)
        value = _day_value(full, month, day)
        if value is None:
            return DateFail(raw, "not a day of the calendar (day.month.year)")
        return DateRead(value, form, text[m.end() :])
    if m := _YEAR_SPAN.match(text):
        start = int(m[1])
        written = m[2] or m[3]
        raw = m[0].strip(" :,;–—-")
        if len(written) == 2:
            end = start // 100 * 100 + int(written)
            if end <= start:
                end += 100
        else:
            end = int(written)
        # Never into the future of the issue (nor, with no issue, of this century):
        # "2003-03" is March 2003, not 2003 to 2103.
        latest = issue.year if issue is not None else 2099
        if end > latest and len(written) == 2 and m[0][4:5] == "-":
            if 1 <= int(written) <= 12:
                return DateRead(f"{start:04d}-{written}", "yyyy-mm", text[m.end() :])
            return DateFail(raw, "a span that would end after the issue's date")
        span = _span(f"{start:04d}", f"{end:04d}", raw)
        if isinstance(span, DateFail):
            return span
        form = f"yyyy-{'y' * len(written)}" + (" (spaced dash)" if m[3] else "")
        return DateRead(span, form, text[m.end() :])
    if m := _NUM_MONTH.match(text):
        month = int(m[1])
        if not 1 <= month <= 12:
            return DateFail(m[0].strip(), "not a month of the calendar")
        return DateRead(f"{m[3]}-{month:02d}", f"{'m' * len(m[1])}{m[2]}yyyy", text[m.end() :])
    if m := _DECADE.match(text):
        return DateRead(f"{m[1]}X", "decade (1990s)", text[m.end() :])
    if m := _YEAR.match(text):
        return DateRead(m[1], "yyyy", text[m.end() :])
    if m := _W_DMY.match(text):
        return _read_day_words(m, text)
    return None


def _read_day_words(m: re.Match[str], text: str) -> DateRead | DateFail:
    (day1, day2, month1, year1, day_b, month_b, day_c, month_c, year) = m.groups()
    raw = m[0].strip(" :,;–—-")
    y = int(year)
    form_m = _word_month_form(month1)
    if year1:  # 14 March 2003-2 April 2004
        value = _span(
            _day_value(int(year1), _month(month1), _int(day1)),
            _day_value(y, _month(month_b), _int(day_b)),
            raw,
        )
        form = f"d {form_m} yyyy–d {form_m} yyyy"
    elif day_c:  # 14 March-2 April 2003
        value = _span(
            _day_value(y, _month(month1), _int(day1)),
            _day_value(y, _month(month_c), _int(day_c)),
            raw,
        )
        form = f"d {form_m}–d {form_m} yyyy"
    elif day2:  # 14-18 March 2003
        value = _span(
            _day_value(y, _month(month1), _int(day1)),
            _day_value(y, _month(month1), _int(day2)),
            raw,
        )
        form = f"d–d {form_m} yyyy"
    else:
        one = _day_value(y, _month(month1), _int(day1))
        value = one if one is not None else DateFail(raw, "not a day of the calendar")
        form = f"d {form_m} yyyy"
    if isinstance(value, DateFail):
        return value
    return DateRead(value, form, text[m.end() :])


def _read_month_start(m: re.Match[str], text: str) -> DateRead | DateFail:
    raw = m[0].strip(" :,;–—-")
    if m.re is _W_MDY:
        month, day, year = m.groups()
        value = _day_value(int(year), _month(month), _int(day))
        if value is None:
            return DateFail(raw, "not a day of the calendar")
        return DateRead(value, f"{_word_month_form(month)} d, yyyy", text[m.end() :])
    month1, year1, month_b, month_c, year = m.groups()
    form_m = _word_month_form(month1)
    if year1:  # March 2003-May 2004
        span = _span(
            f"{int(year1):04d}-{_month(month1):02d}", f"{int(year):04d}-{_month(month_b):02d}", raw
        )
        form = f"{form_m} yyyy–{form_m} yyyy"
    elif month_c:  # March-May 2003
        span = _span(f"{year}-{_month(month1):02d}", f"{year}-{_month(month_c):02d}", raw)
        form = f"{form_m}–{form_m} yyyy"
    else:
        return DateRead(f"{year}-{_month(month1):02d}", f"{form_m} yyyy", text[m.end() :])
    if isinstance(span, DateFail):
        return span
    return DateRead(span, form, text[m.end() :])


# ---- provenance -------------------------------------------------------------

_PROV_LEAD = (
    r"(?:this\s+(?:article|piece|story|essay|review|interview|column)\s+)?"
    r"(?:was\s+)?(?:first\s+|originally\s+)?"
    r"(?P<verb>appeared|appears|published)"
)
PROVENANCE_RE = re.compile(
    rf"^{_PROV_LEAD}\s+in\s+(?:the\s+)?(?P<date>\S+(?:\s+\S+){{0,7}}?)\s+(?:issue|edition)\s+of\s+"
    r"(?:the\s+)?new\s+statesman\b\s*(?:[,:;.–—-]\s*)?(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
# A line that says it is the provenance but is worded past reading.
PROVENANCE_LIKE_RE = re.compile(
    rf"^{_PROV_LEAD}\s+in\b|\b(?:issue|edition)\s+of\s+(?:the\s+)?new\s+statesman\b",
    re.IGNORECASE,
)
_PROV_DATE_DMY = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH}),?\s+(\d{{4}})$", re.I)
# The week an issue covers, as its cover prints it ("12-18 July 2013", "28 June -
# 4 July 2013", "29 December 2008 - 4 January 2009"): the issue is dated by the
# week's first day, in the month (and year) written beside it or else the last.
_PROV_DATE_WEEK = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?)?\s*{_DASH}\s*"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})$",
    re.I,
)
_PROV_DATE_MDY = re.compile(rf"^({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.I)
# Numeric, day first as the magazine writes it ("8.12.2008", "08/12/2008"), or ISO.
_PROV_DATE_NUM = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})$")
_PROV_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Provenance:
    date: dt.date
    title: str
    form: str


def read_provenance(line: str) -> Provenance | DateFail | None:
    """The issue a provenance line names; a DateFail when it names no readable date."""
    m = PROVENANCE_RE.match(line)
    if not m:
        return None
    raw = m["date"]
    date: dt.date | None = None
    if d := _PROV_DATE_DMY.match(raw):
        month_name = d[2]
        day, year = int(d[1]), int(d[3])
        date_form = f"{'dd' if len(d[1]) == 2 else 'd'} {_word_month_form(month_name)} yyyy"
    elif d := _PROV_DATE_WEEK.match(raw):
        month_name = d[2] or d[4]
        day, year = int(d[1]), int(d[3] or d[5])
        if d[2] and not d[3] and _month(d[2]) > _month(d[4]):
            year -= 1  # "29 December - 4 January 2009": the week began in 2008
        date_form = "d-d month yyyy (a week)"
    elif d := _PROV_DATE_MDY.match(raw):
        month_name = d[1]
        day, year = int(d[2]), int(d[3])
        date_form = f"{_word_month_form(month_name)} d, yyyy"
    elif (d := _PROV_DATE_NUM.match(raw)) or (d := _PROV_DATE_ISO.match(raw)):
        iso = d.re is _PROV_DATE_ISO
        day, month, year = (
            (int(d[3]), int(d[2]), int(d[1])) if iso else (int(d[1]), int(d[3]), int(d[4]))
        )
        month_name = MONTH_NAMES[month - 1] if 1 <= month <= 12 else ""
        date_form = "yyyy-mm-dd" if iso else f"d{d[2]}m{d[2]}yyyy"
        if not month_name:
            return DateFail(raw, f"the issue date {raw!r} has no month {month}")
    else:
        return DateFail(raw, f"the issue date {raw!r} is not a day, month and year")
    try:
        date = dt.date(year, _month(month_name), day)
    except ValueError:
        return DateFail(raw, f"the issue date {raw!r} is not a day of the calendar")
    verb = " ".join(m["verb"].lower().split())
    lead = line[: m.start("verb")].lower().split()
    phrase = " ".join(w for w in lead if w in {"first", "originally", "was"})
    form = f"{phrase + ' ' if phrase else ''}{verb} in · {date_form}"
    title = m["title"]
    form += " · no title" if not title else ""
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return Provenance(date, title.strip(" ,;:"), form)


# ---- bios ---------------------------------------------------------------------

BIO_VERB_RE = re.compile(
    r"\s(?:is|are|was|were|writes|edits|reports|teaches|lives|works|has been)\s"
)
NAME_PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "del",
    "la",
    "le",
    "bin",
    "al",
    "el",
    "ter",
    "dos",
    "das",
    "y",
    "st",
}
# A sentence about "Mr Pryce" is reporting, not a byline.
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "mr.", "mrs.", "ms."}
# "The Labour Party is a ...": a name never starts with an article.
NOT_NAMES = HONORIFICS | {"the", "a", "an", "this", "that", "our", "his", "her", "their"}
# A writer's name does not end in the word for an institution: "The Labour Party
# is a ...", "Home Office is the ..." close articles, not bylines. (Words that are
# also surnames, such as Church, House or Street, are not here.)
NOT_SURNAMES = {
    "party",
    "government",
    "council",
    "committee",
    "ministry",
    "department",
    "office",
    "parliament",
    "commission",
    "company",
    "university",
    "college",
    "police",
    "foundation",
    "institute",
    "agency",
    "kingdom",
    "states",
    "republic",
    "federation",
    "corporation",
    "authority",
    "assembly",
    "senate",
    "congress",
}
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")
# The shape of a closing bio, readable or not: capitalised words, then "is/are/was".
BIO_SHAPE_RE = re.compile(
    r"^(?!(?:The|This|That|These|Those|It|In|On|At|But|And|For|Our|His|Her|Their|Its|A|An|"
    r"So|Yet|If|When|What|Why|How|Here|There|Now|Then|Such|One|No)\s)"
    r"(?:[A-Z][\w'’.-]*,?\s+(?:(?:and|&)\s+)?){2,12}?"
    r"(?:is|are|was|were)\s+(?:a|an|the|now|currently|formerly|co-?\w+|author|editor|"
    r"writer|professor|director|chief|senior|deputy|political|former)\b"
)


def bio_authors(text: str) -> tuple[str, ...] | None:
    """The names a closing 'Name is ...' paragraph gives, or None if it is no bio."""
    if len(text) > 700:
        return None
    match = BIO_VERB_RE.search(text)
    if not match or match.start() > 90:
        return None
    names_part = text[: match.start()].strip()
    names = [
        n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", names_part) if n.strip()
    ]
    if not names:
        return None
    for name in names:
        tokens = name.split()
        if (
            not 2 <= len(tokens) <= 5
            or tokens[0].lower() in NOT_NAMES
            or tokens[-1].lower() in NOT_SURNAMES
        ):
            return None
        for token in tokens:
            if token.lower() in NAME_PARTICLES:
                continue
            if not token[0].isupper() or any(c.isdigit() for c in token):
                return None
    return tuple(names)


def bio_form(names: tuple[str, ...], text: str) -> str:
    verb = BIO_VERB_RE.search(text)
    word = verb[0].strip() if verb else "?"
    after = text[verb.end() :].split(" ", 1)[0].lower() if verb else ""
    article = f" {after}" if after in {"a", "an", "the"} else ""
    count = {1: "one writer", 2: "two writers", 3: "three writers"}.get(len(names), "writers")
    return f"{count}: Name {word}{article} …"


def bio_refusal(text: str) -> str:
    """Why a bio-shaped sentence gives no byline."""
    if len(text) > 700:
        return f"too long for a bio ({len(text)} characters)"
    first = text.split(" ", 1)[0].lower()
    if first in HONORIFICS:
        name = text.split(" is ")[0].split(" are ")[0][:40]
        return f"{name!r} is a title and surname, not a byline"
    return "the words before the verb are not writers' names"


def looks_like_bio(text: str) -> bool:
    return len(text) <= 900 and bool(BIO_SHAPE_RE.match(text))


# ---- pictures -------------------------------------------------------------------

PICTURE_LABEL = r"(?:photo(?:graph)?s?|pictures?|images?|illustrations?)"
CAPTION_RE = re.compile(
    rf"^(?P<caption>.*?)[\s.,;–—-]*\b(?P<label>{PICTURE_LABEL})\s*:\s*(?P<credit>\S.*)$",
    re.IGNORECASE,
)
# "Oli Scarff/Getty Images": a name of two or more words, then "/Agency".
_AGENCY_SLASH = re.compile(r"^[A-Z][\w'’.-]*(?: [\w'’.&-]+)+(?:/[A-Z][\w .'’&-]{0,60})+$")


# Words an agency line holds, when it stands above a headline with no marker.
_AGENCY_WORDS = re.compile(
    r"\b(?:GETTY|IMAGES|AFP|REUTERS|PA|AP|ALAMY|REX|SHUTTERSTOCK|BLOOMBERG|CORBIS|EPA|"
    r"PHOTOS?|PICTURES?|AGENCY|PRESS|WIRE|ARCHIVE|COLLECTION|LIBRARY|NEWS)\b|/"
)


def read_picture_line(line: str, *, strict: bool = False) -> tuple[str | None, str, str] | None:
    """(caption, credit, form) of a line that credits a picture, or None.

    ``strict`` (no "Show Hide image" marker to say the line is a picture's): an
    all-capitals line must name an agency or hold a slash, not be a shouted headline.
    """
    m = CAPTION_RE.match(line)
    if m:
        caption = m["caption"] or None
        label = m["label"].capitalize()
        form = f"caption + {label}: NAME" if caption else f"{label}: NAME"
        return caption, m["credit"], form
    # All capitals: nothing changes in upper case, and there is a letter to change.
    if (
        line == line.upper()
        and line != line.lower()
        and len(line.split()) <= 12
        and not line.endswith((".", "!", "?"))
        and (not strict or _AGENCY_WORDS.search(line))
    ):
        return None, line, "all-capitals agency line"
    if "/" in line and _AGENCY_SLASH.match(line) and len(line.split()) <= 10:
        return None, line, "Name/Agency line"
    return None


# ---- a picture in the middle of the body ------------------------------------------

# A picture's label as a caption prints it: capitalised ("Photo:", "PHOTOGRAPH:"); a
# lower-case "photo:" is a word in a sentence.
INLINE_LABEL_RE = re.compile(
    r"\b(?:Photo(?:graph)?s?|Pictures?|Images?|Illustrations?|PHOTO(?:GRAPH)?S?|PICTURES?|"
    r"IMAGES?|ILLUSTRATIONS?)\s*:"
)
# Lower-case words a credit may hold between the names ("Jane Doe for the New
# Statesman", "courtesy of the author", "Musée d'Orsay").
_CREDIT_JOINERS = NAME_PARTICLES | {
    "for",
    "of",
    "the",
    "and",
    "via",
    "by",
    "courtesy",
    "&",
    "at",
    "in",
    "on",
    "d'",
    "und",
    "et",
}
# Words that say a slash line names a picture agency, not "Left/Right" in a heading.
_AGENCY_NAME_RE = re.compile(
    r"\b(?:getty|images?|afp|reuters|pa|ap|alamy|rex|shutterstock|bloomberg|corbis|epa|"
    r"photos?|photography|pictures?|agency|press|wire|archive|collection|library|news|"
    r"magnum|panos|bridgeman|eyevine|camera press|mary evans|topfoto|ullstein|sipa|"
    r"associated|studio)\b",
    re.IGNORECASE,
)


def credit_is_name(credit: str) -> bool:
    """Whether the words after "Photo:" are a credit: names (capitalised words,
    "Name/Agency"), perhaps joined by "for", "of", "and", "courtesy of"; no sentence."""
    text = credit.strip()
    if text.endswith("."):
        text = text[:-1]
    words = [w for w in re.split(r"[\s/]+", text) if w]
    if not 1 <= len(words) <= 12 or re.search(r"[!?;\"“”]", text):
        return False
    if words[0].lower() == "courtesy":  # "courtesy of the author"
        return True
    capitalised = 0
    for word in words:
        core = word.strip("(),'’")
        if not core:
            continue
        if core[0].isupper() or core[0].isdigit():
            capitalised += 1
        elif core.lower() not in _CREDIT_JOINERS:
            return False
    return capitalised > 0


def read_inline_picture(block: list[str]) -> tuple[str | None, str, str] | str | None:
    """A picture that stands between paragraphs: (caption, credit, form); a reason
    (a str) when the block looks like a picture credit but cannot be read; None
    when it is no picture.

    Its forms: one line "caption. Photo: NAME" (Photograph, Picture, Image,
    Illustration; the label capitalised), a caption line then a "Photo: NAME" line,
    a "Name/Agency" line naming an agency, a "NAME/AGENCY" line in capitals.
    """
    if not 1 <= len(block) <= 2 or any(len(line) > 400 for line in block):
        return None
    last = block[-1]
    label = INLINE_LABEL_RE.search(last) if ":" in last else None
    if label is not None:
        m = CAPTION_RE.match(last)
        if m is None or m.start("label") != label.start():
            return None
        caption = m["caption"] or None
        if len(block) == 2:
            if caption is not None:
                return None  # a caption on each line: no picture of one shape
            caption = block[0]
        credit = m["credit"]
        word = m["label"].capitalize()
        before = last[: label.start()].rstrip()
        boundary = not before or before[-1] in ".!?)]”’–—-"
        if credit_is_name(credit):
            if len(block) == 2:
                form = f"caption line, then {word}: NAME"
            else:
                form = f"caption + {word}: NAME" if caption else f"{word}: NAME"
            return caption, credit, form
        if (
            boundary
            and len(credit.split()) <= 12
            and not credit.rstrip().endswith((".", "!", "?", "”", '"'))
        ):
            return f"the words after '{m['label']}:' ({credit[:40]!r}) are not a name"
        return None
    if len(block) != 1 or "/" not in last or len(last.split()) > 10:
        return None
    agency = _AGENCY_NAME_RE.search(last.split("/", 1)[1]) is not None
    if last == last.upper() and last != last.lower() and not last.endswith((".", "!", "?")):
        return (None, last, "all-capitals NAME/AGENCY line") if agency else None
    if _AGENCY_SLASH.match(last) and credit_is_name(last):
        if agency:
            return None, last, "Name/Agency line"
        return "a 'Name/Name' line that names no picture agency: left as it stands"
    return None
