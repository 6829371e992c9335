"""Variant scrapes: one planned article written with every cue in a randomly chosen
form, with the ground truth kept beside it.

Where ``synth`` writes an archive in the seeds' own forms for benchmarks, this
writes the forms the magazine's pages really use (RAW-FORMAT.md, issue #13): the
provenance line's wordings and date forms, timeline dates from a day to a decade
or a span, timeline headings, bullets and credits, bios of one to three writers
before or after the provenance line, picture credits with or without the
"Show Hide image" marker. ``tests/test_ingest_variants.py`` ingests thousands and
asserts every field comes back exactly; ``python -m generator synth N --variants``
writes them as files, with the truth in ``.truth.jsonl`` (a hidden file, which
ingest does not read).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FIRST = ["Anna", "Tom", "Priya", "Marek", "Helen", "Kwame", "Sofia", "Rhys", "Ines", "Owen"]
LAST = [
    "Okafor",
    "Lindqvist",
    "Hartley",
    "Moreau",
    "Brennan",
    "Costa",
    "Walsh",
    "Tanaka",
    "Ferreira",
    "Doyle",
]
WORDS = (
    "council",
    "vote",
    "budget",
    "winter",
    "harbour",
    "miners",
    "union",
    "village",
    "report",
    "minister",
    "crowd",
    "river",
    "factory",
    "school",
    "bridge",
    "ballot",
    "letter",
    "market",
    "archive",
    "tenant",
    "strike",
    "tide",
)
HEADINGS = [
    "KEY DATES",
    "TIMELINE",
    "THE ROAD TO WAR",
    "A CENTURY OF STRIKES",
    "Key dates",
    "How it happened",
    "The long decline",
]
BULLETS = ["•", "-", "–", "*"]
AGENCIES = ["Getty Images", "AFP", "Reuters", "PA Images", "Alamy"]


@dataclass(frozen=True)
class Truth:
    """What ingest must read back from the scrape."""

    title: str
    standfirst: str
    paragraphs: list[str]
    authors: list[str]
    author_bio: str | None
    issue_date: str | None
    issue_title: str | None
    image_caption: str | None
    image_credit: str | None
    timeline_title: str | None
    timeline_credit: str | None
    events: list[tuple[str, str]]  # (stored date, text)
    forms: list[str]  # the forms written, for the census
    credits: list[str]  # a second picture's credit line, as printed


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    text = " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(rng.randint(3, 5)))
    return text


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _week(first: dt.date, rng: random.Random) -> str:
    """The week an issue covers, as a cover prints it: "8-14 December 2008",
    "28 June – 4 July 2013", "29 December – 4 January 2009"."""
    last = first + dt.timedelta(days=6)
    dash = rng.choice(["-", "–", " - ", " – "])
    if last.month == first.month:
        return f"{first.day}{dash}{last.day} {MONTHS[first.month - 1]} {first.year}"
    return (
        f"{first.day} {MONTHS[first.month - 1]} {dash.strip()} "
        f"{last.day} {MONTHS[last.month - 1]} {last.year}"
    )


def _two(n: int) -> str:
    return f"{n:02d}"


def _abbr(rng: random.Random, month: int) -> str:
    """A month abbreviated as sub-editors do: "Sep", "Sept", "Dec." ."""
    name = MONTHS[month - 1]
    short = "Sept" if month == 9 and rng.random() < 0.5 else name[:3]
    return short + ("." if rng.random() < 0.2 and short != name else "")


def _day_forms(rng: random.Random, d: dt.date, issue: dt.date | None) -> list[str]:
    forms = [
        f"{_two(d.day)}.{_two(d.month)}.{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        d.isoformat(),
        f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        f"{d.day} {_abbr(rng, d.month)} {d.year}",
        f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
        f"{_abbr(rng, d.month)} {d.day}, {d.year}",
        f"{d.day}-{_two(d.month)}-{d.year}",
    ]
    if issue is not None and issue - dt.timedelta(days=36000) < d <= issue:
        # Two-digit years: resolved by the issue's date, never after it.
        forms += [
            f"{_two(d.day)}.{_two(d.month)}.{d.year % 100:02d}",
            f"{d.day}/{d.month}/{d.year % 100:02d}",
            f"{d.day}-{d.month}-{d.year % 100:02d}",
        ]
    return forms


def _event(rng: random.Random, issue: dt.date | None, latest: dt.date) -> tuple[str, str]:
    """(written, stored) for one event no later than ``latest``."""
    earliest = latest - dt.timedelta(days=rng.choice([400, 4000, 30000]))
    d = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
    kind = rng.choice(["day", "day", "day", "month", "year", "decade", "years", "months", "days"])
    month = MONTHS[d.month - 1]
    if kind == "day":
        return rng.choice(_day_forms(rng, d, issue)), d.isoformat()
    if kind == "month":
        written = rng.choice(
            [f"{month} {d.year}", f"{_abbr(rng, d.month)} {d.year}", f"{d.month}/{d.year}"]
        )
        return written, f"{d.year}-{_two(d.month)}"
    if kind == "year":
        return str(d.year), str(d.year)
    if kind == "decade":
        decade = d.year // 10 * 10
        if decade + 9 > latest.year:
            return str(d.year), str(d.year)
        return f"{decade}s", f"{decade // 10}X"
    if kind == "years":
        end = d.year + rng.randint(1, 12)
        if end > latest.year:
            return str(d.year), str(d.year)
        short = end // 100 == d.year // 100 and rng.random() < 0.5
        written = (
            f"{d.year}{rng.choice(['-', '–'])}{end % 100:02d}"
            if short
            else (f"{d.year}{rng.choice(['-', '–'])}{end}")
        )
        return written, f"{d.year}/{end}"
    if kind == "months":
        if d.month == 12 or (d.year == latest.year and d.month + 1 > latest.month):
            return f"{month} {d.year}", f"{d.year}-{_two(d.month)}"
        end_month = rng.randint(d.month + 1, 12 if d.year < latest.year else latest.month)
        dash = rng.choice(["–", "-"])
        written = f"{month}{dash}{MONTHS[end_month - 1]} {d.year}"
        return written, f"{d.year}-{_two(d.month)}/{d.year}-{_two(end_month)}"
    end = d + dt.timedelta(days=rng.randint(1, 9))
    if end > latest or end.month != d.month:
        return d.isoformat(), d.isoformat()
    dash = rng.choice(["–", "-"])
    return f"{d.day}{dash}{end.day} {month} {d.year}", f"{d.isoformat()}/{end.isoformat()}"


def _reader_case(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text


def variant(rng: random.Random) -> tuple[str, Truth]:
    """One scrape's text and the truth it holds."""
    forms: list[str] = []
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
    standfirst = _sentence(rng, rng.randint(12, 25))
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(4, 7))]
    if rng.random() < 0.2:
        # A paragraph that merely mentions the magazine stays body text, unreported.
        paragraphs.insert(1, "She wrote for the New Statesman for years, and the " + paragraphs[1])
    # The issue.
    issue: dt.date | None = None
    issue_title: str | None = None
    provenance: str | None = None
    if rng.random() < 0.8:
        issue = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
        issue_title = rng.choice(
            [
                "After the Terror",
                "Trump's permanent revolution",
                "Britain: the reckoning",
                "Austerity, and after",
                "The great property swindle",
            ]
        )
        lead = rng.choice(
            [
                "This article first appeared in the",
                "This article appears in the",
                "This article was first published in the",
                "First published in the",
                "This article appeared in the",
            ]
        )
        month = MONTHS[issue.month - 1]
        date = rng.choice(
            [
                f"{_two(issue.day)} {month} {issue.year}",
                f"{issue.day} {month} {issue.year}",
                f"{issue.day} {_abbr(rng, issue.month)} {issue.year}",
                f"{month} {issue.day}, {issue.year}",
                *(
                    [f"{_two(issue.day)}.{_two(issue.month)}.{issue.year}", issue.isoformat()]
                    if rng.random() < 0.1
                    else []
                ),
                *([_week(issue, rng)] if rng.random() < 0.1 else []),
            ]
        )
        sep = rng.choice([", ", ": ", " – ", " - "])
        stop = rng.choice(["", "."])
        provenance = f"{lead} {date} issue of the New Statesman{sep}{issue_title}{stop}"
        forms.append(f"provenance: {lead} / {sep.strip()} / {'stop' if stop else 'no stop'}")
    # The writers.
    authors: list[str] = []
    bio: str | None = None
    if rng.random() < 0.85:
        count = rng.choice([1, 1, 1, 2, 3])
        while len(set(authors)) != count:
            authors = [_name(rng) for _ in range(count)]
        role = rng.choice(
            [
                "a writer on labour history",
                "the paper's Europe editor",
                "a former miner",
                "an economist",
            ]
        )
        if count == 1:
            verb = rng.choice(["is", "was"])
            bio = f"{authors[0]} {verb} {role}."
        elif count == 2:
            bio = f"{authors[0]} and {authors[1]} are {role.split(' ', 1)[1]}s."
        else:
            bio = f"{authors[0]}, {authors[1]} and {authors[2]} are {role.split(' ', 1)[1]}s."
        forms.append(f"bio: {count} writer(s)")
    # The timeline.
    events: list[tuple[str, str]] = []
    written_events: list[str] = []
    heading: str | None = None
    t_credit: str | None = None
    timeline_lines: list[str] = []
    if rng.random() < 0.6:
        heading = (
            rng.choice(HEADINGS)
            if rng.random() < 0.8
            else (f"THE ROAD TO {rng.choice(WORDS).upper()}")
        )
        colon = rng.random() < 0.15 and (heading.isupper() or len(heading.split()) <= 3)
        latest = issue or dt.date(2020, 1, 1)
        sign = rng.choice(BULLETS)
        indent = rng.choice(["", "  "])
        for _ in range(rng.randint(2, 8)):
            written, stored = _event(rng, issue, latest)
            text = _sentence(rng, rng.randint(5, 15))
            sep = rng.choice([" ", ": ", " – ", " - ", ", "])
            events.append((stored, text))
            line = f"{indent}{sign} {written}{sep}{text}"
            words = line.split(" ")
            if rng.random() < 0.05 and len(text.split()) >= 4:
                # The scraper hard-wrapped the bullet: it goes on in lower case.
                cut = len(words) - rng.randint(1, 3)
                line = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
                forms.append("timeline: a bullet hard-wrapped")
            written_events.append(line)
        # Some scrapes part every bullet with a blank line.
        apart = rng.random() < 0.15
        # The heading over its bullets, with or without a blank line between.
        joined = rng.random() < 0.25
        printed_heading = heading + ":" if colon else heading
        timeline_lines = [printed_heading] if joined else [printed_heading, ""]
        for line in written_events:
            timeline_lines += [line, ""] if apart else [line]
        if apart:
            timeline_lines.pop()
        credit_form = rng.choice(["none", "bullet", "bullet-label", "after", "after-block"])
        t_name = _name(rng)
        label = rng.choice(["Research by", "Compiled by"])
        if credit_form == "bullet":
            timeline_lines.append(f"{indent}{sign} {t_name}")
        elif credit_form == "bullet-label":
            timeline_lines.append(f"{indent}{sign} {label} {t_name}")
        elif credit_form == "after":
            timeline_lines.append(f"{label} {t_name}")
        elif credit_form == "after-block":
            timeline_lines += ["", rng.choice([label + " ", ""]) + t_name]
        t_credit = None if credit_form == "none" else t_name
        forms.append(
            f"timeline: {sign} / credit {credit_form}{' / apart' if apart else ''}"
            f"{' / heading joined' if joined else ''}"
            f"{' / heading colon' if colon else ''}"
        )
    # The picture.
    caption: str | None = None
    credit: str | None = None
    image_lines: list[str] = []
    marker = rng.random() < 0.6
    picture = rng.choice(["none", "slash", "caps", "caption", "caption-line"])
    photographer = f"{_name(rng)}/{rng.choice(AGENCIES)}"
    if picture == "slash":
        credit = photographer
        image_lines = [credit]
    elif picture == "caps":
        # "NAME/AGENCY" in capitals, or the agency alone ("GETTY IMAGES").
        credit = photographer.upper() if rng.random() < 0.7 else rng.choice(AGENCIES).upper()
        image_lines = [credit]
    elif picture in ("caption", "caption-line"):
        caption = _sentence(rng, rng.randint(4, 10))[:-1]
        label = rng.choice(["Photo", "Photograph", "Picture", "Illustration", "Image"])
        credit = photographer
        if picture == "caption" or not marker:
            image_lines = [f"{caption}{rng.choice(['. ', ' – ', '. '])}{label}: {credit}"]
        else:
            image_lines = [caption, f"{label}: {credit}"]
    forms.append(f"picture: {picture} / {'marker' if marker else 'no marker'}")
    # A second picture between paragraphs: the article's image when it has none
    # above the headline, else an inline credit as printed.
    credits: list[str] = []
    mid_picture: list[str] = []
    if rng.random() < 0.3:
        form = rng.choice(["caption", "caption-line", "caption-apart", "slash", "caps"])
        mid_caption = _sentence(rng, rng.randint(4, 10))[:-1]
        label = rng.choice(["Photo", "Photograph", "Picture", "Illustration"])
        mid_credit = f"{_name(rng)}/{rng.choice(AGENCIES)}"
        if form == "caption":
            mid_picture = [f"{mid_caption}{rng.choice(['. ', ' – '])}{label}: {mid_credit}"]
        elif form == "caption-line":
            mid_picture = [mid_caption, f"{label}: {mid_credit}"]
        elif form == "caption-apart":
            mid_picture = [mid_caption, "", f"{label}: {mid_credit}"]
        else:
            mid_caption = ""
            mid_credit = mid_credit.upper() if form == "caps" else mid_credit
            mid_picture = [mid_credit]
        if caption is None and credit is None:
            caption, credit = mid_caption or None, mid_credit
        else:
            credits.append(
                mid_picture[-1]
                if not mid_caption or form == "caption"
                else f"{mid_caption}. {mid_picture[-1]}"
            )
        forms.append(f"picture in the body: {form}")
    # Near misses that stay body text, word for word.
    near: list[list[str]] = []
    if rng.random() < 0.15:
        near.append(
            [
                f"Mr {rng.choice(LAST)} is the chief engineer at the {rng.choice(WORDS)} "
                "works, and has been for twenty years."
            ]
        )
    if rng.random() < 0.1:
        near.append([f"He showed me the photo: a faded print of the {rng.choice(WORDS)}."])
    if rng.random() < 0.1:
        # Dated bullets with no heading over them: the article's own list.
        near.append(
            [
                f"{rng.choice(BULLETS)} {rng.randint(1850, 1999)} The "
                f"{rng.choice(WORDS)} {rng.choice(WORDS)}."
                for _ in range(rng.randint(2, 3))
            ]
        )
    if rng.random() < 0.1:
        near.append(
            [
                f"{rng.choice(BULLETS)} The {rng.choice(WORDS)} {rng.choice(WORDS)}."
                for _ in range(2)
            ]
        )
    # Assemble.
    lines: list[str] = []
    if image_lines:
        lines += image_lines
    if marker:
        lines.append("Show Hide image")
    if marker or (image_lines and rng.random() < 0.5):
        # Without the marker, the credit line may stand right above the headline.
        lines.append("")
    lines += [title, "", standfirst, ""]
    mid_timeline = timeline_lines and rng.random() < 0.3 and t_credit is None
    picture_at = rng.randint(2, len(paragraphs) - 1)
    body_truth: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        lines += [paragraph, ""]
        body_truth.append(paragraph)
        if i == 0:
            for block in near:
                lines += [*block, ""]
                body_truth.append(" ".join(block))
        if mid_timeline and i == 1:
            lines += [*timeline_lines, ""]
        if mid_picture and i == picture_at:
            lines += [*mid_picture, ""]
    # The closing cues in any order: a bio and a timeline before or after the
    # provenance line.
    tail: list[tuple[str, list[str]]] = []
    if bio:
        tail.append(("bio", [bio]))
    if timeline_lines and not mid_timeline:
        tail.append(("timeline", timeline_lines))
    rng.shuffle(tail)
    if provenance:
        tail.insert(
            rng.randint(0, len(tail)) if rng.random() < 0.4 else len(tail),
            ("provenance", [provenance]),
        )
    forms.append("tail: " + " ".join(kind for kind, _ in tail))
    for k, (kind, block) in enumerate(tail):
        lines += block
        if k + 1 < len(tail):
            # A bio right under the provenance line, no blank line between, or not.
            tight = kind == "provenance" and tail[k + 1][0] == "bio" and rng.random() < 0.3
            if not tight:
                lines.append("")
    truth = Truth(
        title=title,
        standfirst=standfirst,
        paragraphs=body_truth,
        authors=authors,
        author_bio=bio,
        issue_date=issue.isoformat() if issue else None,
        issue_title=issue_title,
        image_caption=caption,
        image_credit=credit,
        timeline_title=_reader_case(heading) if heading else None,
        timeline_credit=t_credit,
        events=events,
        forms=forms,
        credits=credits,
    )
    return "\n".join(lines) + rng.choice(["", "\n"]), truth


def variants(n: int, seed: int) -> list[tuple[str, Truth]]:
    rng = random.Random(seed)
    return [variant(rng) for _ in range(n)]


def write_variants(n: int, out: Path, seed: int) -> str:
    """Write ``n`` variant scrapes to ``out`` and their truth to ``out/.truth.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; variants write only into an empty folder")
    with open(out / ".truth.jsonl", "w", encoding="utf-8") as truth_file:
        for i, (text, truth) in enumerate(variants(n, seed)):
            name = f"variant_{i:06d}.txt"
            (out / name).write_text(text, encoding="utf-8")
            truth_file.write(json.dumps({"file": name, **asdict(truth)}) + "\n")
    return f"variants: {n} scrape(s) in {out}, truth in {out / '.truth.jsonl'}"
