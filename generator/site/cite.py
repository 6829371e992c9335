""" "Cite this article": Chicago, MLA and APA strings, and BibTeX and RIS files.

Everything comes from the front matter: the writers, the headline, the magazine,
the issue date (web-only pieces have none: "n.d." / no date) and the canonical
address. An unsigned piece is cited by its title, as all three styles say.

The three styles follow their manuals' examples for an online magazine article;
tests/test_cite.py formats those published examples with this code:

- Chicago (17th, notes and bibliography): ``Mead, Rebecca. “The Prophet of
  Dystopia.” New Yorker, April 17, 2017.`` (the address follows, for online
  sources);
- MLA (9th): ``Schulz, Kathryn. “The Really Big One.” The New Yorker, 20 July
  2015, www.newyorker.com/...`` (months abbreviated, no ``https://``);
- APA (7th): ``Schulman, M. (2019, September 9). Superfans: A love story. The
  New Yorker. https://www.newyorker.com/...``.

Headlines are printed as the magazine printed them: turning them into headline or
sentence case would guess at proper nouns. Italics (the magazine's name) are
returned as separate parts so that the template marks them up and escapes the rest.

RIS is written by ``rispy`` (a maintained RIS library); BibTeX by hand, because
its only escaping rule that matters here (braces and LaTeX's special characters)
is short, and tests parse the result with ``bibtexparser``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import rispy

from generator.content.schema import Article

PUBLICATION = "New Statesman"
MLA_MONTHS = (
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June",
    "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
)  # fmt: skip


@dataclass(frozen=True)
class Citation:
    """A citation as (before, italic, after): the italic part is the publication."""

    style: str
    before: str
    italic: str
    after: str

    @property
    def text(self) -> str:
        return self.before + self.italic + self.after


@dataclass(frozen=True)
class Work:
    """What every style needs of an article."""

    authors: tuple[str, ...]
    title: str
    container: str
    date: dt.date | None
    url: str


def work_of(article: Article, url: str) -> Work:
    return Work(
        article.authors,
        article.title,
        PUBLICATION,
        article.issue.date if article.issue else None,
        url,
    )


def _split(name: str) -> tuple[str, str]:
    """'Richard Watson' -> ('Watson', 'Richard'); one word is a surname alone."""
    parts = name.split()
    if len(parts) < 2:
        return name, ""
    return parts[-1], " ".join(parts[:-1])


def _inverted(name: str) -> str:
    surname, given = _split(name)
    return f"{surname}, {given}" if given else surname


def _initials(given: str) -> str:
    # "Mary-Kate Anne" -> "M.-K. A."
    words = []
    for word in given.split():
        words.append("-".join(f"{part[0]}." for part in word.split("-") if part))
    return " ".join(words)


def _end(text: str, mark: str = ".") -> str:
    """Close a part with ``mark`` unless it already ends in punctuation."""
    return text if text[-1:] in ".?!" else text + mark


def _quoted(title: str, mark: str) -> str:
    # American punctuation, as Chicago and MLA print it: the mark inside the quotes.
    if title[-1:] in ".?!":
        return f"“{title}”"
    return f"“{title}{mark}”"


def _us_date(date: dt.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


def _series(names: list[str]) -> str:
    # The first name is inverted ("Lee, Ann"), so even two take the serial comma.
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", and " + names[-1]


def chicago(work: Work) -> Citation:
    if work.authors:
        names = [_inverted(work.authors[0]), *work.authors[1:]]
        lead = _end(_series(names)) + " " + _quoted(work.title, ".") + " "
    else:
        lead = _quoted(work.title, ".") + " "
    date = _us_date(work.date) if work.date else "n.d."
    address = f" {work.url}." if work.url else ""
    return Citation("Chicago", lead, work.container, f", {_end(date)}{address}")


def mla(work: Work) -> Citation:
    authors = work.authors
    if not authors:
        lead = ""
    elif len(authors) == 1:
        lead = _end(_inverted(authors[0])) + " "
    elif len(authors) == 2:
        lead = _end(f"{_inverted(authors[0])}, and {authors[1]}") + " "
    else:
        lead = f"{_inverted(authors[0])}, et al. "
    lead += _quoted(work.title, ".") + " "
    parts = []
    if work.date:
        d = work.date
        parts.append(f"{d.day} {MLA_MONTHS[d.month - 1]} {d.year}")
    if work.url:
        parts.append(re.sub(r"^https?://", "", work.url))
    after = "".join(f", {p}" for p in parts) + "."
    return Citation("MLA", lead, work.container, after)


def _apa_author(name: str) -> str:
    surname, given = _split(name)
    return f"{surname}, {_initials(given)}" if given else surname


def _apa_title(title: str) -> str:
    # APA capitalises the first word after a colon in a title.
    return re.sub(r"(: )(\w)", lambda m: m.group(1) + m.group(2).upper(), title)


def apa(work: Work) -> Citation:
    date = f"({work.date.year}, {work.date:%B} {work.date.day})" if work.date else "(n.d.)"
    title = _end(_apa_title(work.title))
    names = [_apa_author(n) for n in work.authors[:20]]
    if not names:
        # No author: the title takes the author's place.
        lead = f"{title} {date}. "
    else:
        authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        lead = f"{authors} {date}. {title} "
    return Citation("APA", lead, work.container, f". {work.url}" if work.url else ".")


def citations(work: Work) -> tuple[Citation, ...]:
    return (chicago(work), mla(work), apa(work))


# -- files -------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")
_BIBTEX_REPLACEMENT = {
    "\\": r"\textbackslash{}",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def _bibtex_text(text: str) -> str:
    def escape(m: re.Match[str]) -> str:
        char = m.group(1)
        return _BIBTEX_REPLACEMENT.get(char, "\\" + char)

    return _BIBTEX_SPECIAL.sub(escape, text)


def bibtex(work: Work, key: str) -> str:
    """One ``@article`` entry; ``key`` is the article's slug (already [a-z0-9-])."""
    fields: list[tuple[str, str]] = []
    if work.authors:
        # "Surname, Given": the one form BibTeX cannot split wrongly.
        names = (_bibtex_text(_inverted(n)) for n in work.authors)
        fields.append(("author", " and ".join(names)))
    fields.append(("title", "{" + _bibtex_text(work.title) + "}"))
    fields.append(("journal", _bibtex_text(work.container)))
    if work.date:
        fields.append(("year", str(work.date.year)))
        fields.append(("month", work.date.strftime("%b").lower()))
        fields.append(("date", work.date.isoformat()))
    fields.append(("url", work.url))
    lines = [f"@article{{{key},"]
    for name, value in fields:
        if name == "month":
            lines.append(f"  {name} = {value},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers entries ("1."); one entry a file needs no number


def ris(work: Work) -> str:
    entry: dict[str, object] = {"type_of_reference": "MGZN"}
    if work.authors:
        entry["authors"] = [_inverted(n) for n in work.authors]
    entry["title"] = work.title
    entry["secondary_title"] = work.container
    if work.date:
        entry["year"] = str(work.date.year)
        entry["date"] = work.date.strftime("%Y/%m/%d")
    entry["urls"] = [work.url]
    entry["language"] = "en"
    # CRLF is RIS's line ending, and what reference managers expect.
    return rispy.dumps([entry], implementation=_RisWriter).replace("\n", "\r\n")
