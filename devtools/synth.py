"""A deterministic synthetic archive of raw scrapes, for benchmarks and ingest tests.

The real archive cannot be shipped, and five seeds are too few to measure anything,
so this module writes thousands of files that look like the scraper's output (see
``RAW-FORMAT.md``): the same cues, the same quirks, in roughly the same proportions.
Text is stitched from a fixed pool of sentences built from the word lists below
rather than generated word by word, because that is what keeps 10,000 articles
(about 20 million words, written twice over through duplicates) down to seconds.

Everything flows from ``random.Random`` instances seeded with the seed, or with
strings built from it (hashed with SHA-512, not the per-process ``hash()``), so
the same ``(n, seed)`` gives byte-identical files on every run and machine. Each article
draws from its own generator, so rendering one article again (for a duplicate dump)
reproduces it exactly without keeping every article in memory.

Public entry points: ``synthesize`` writes the files; ``plan_articles``,
``plan_files`` and ``expected_titles`` describe what a correct ingest should find
without writing anything.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    # Long word lists read better as running text than as one quoted item a line.
    return tuple(text.split(sep))


# A Monday in 2017: issue k is dated 7*k days before it, so the archive runs back
# from the newest seed's year, one issue a week.
START_ISSUE = date(2017, 3, 20)
MIN_WORDS = 800
MAX_WORDS = 8000
# Prose stops here so that the title, standfirst, notes, bio, a full 20-entry
# timeline and the other furniture still fit under MAX_WORDS for the whole dump.
_PROSE_CAP = 7300
_MARKER = "Show Hide image"
# Characters of rendered text kept for later duplicate dumps. Entries go at their
# last use, so 10,000 articles peak near 90 MB of memory; beyond the budget an
# article is simply rendered again.
_CACHE_CHARS = 100_000_000
_POOL_SIZE = 8192
_PROVENANCE = "This article first appeared in the {date} issue of the New Statesman, {cover}"
# Sentences a paragraph: mostly two to eight, now and then a one-line paragraph
# ("I had to agree."), as in the seeds.
_PARAGRAPH_SIZES = (1, *(tuple(range(2, 9)) * 4))
_MONTHS = _words(
    "January February March April May June July August September October November December"
)

# --- vocabulary --------------------------------------------------------------------------
# Accented words are deliberate: slugs, search and Windows-1252 files must all cope.
# The few names outside Windows-1252 (Łódź, Dvořák, Erdoğan ...) force those files
# to stay UTF-8, which is the fallback rule the generator must exercise.

_FIRST = _words(
    "Natasha Sigrid Richard James Oliver Amelia Rachel Daniel Helen Tom Sarah Jon Emma "
    "Joe Sophie Georgie Luke Shami Diane Emily Clive Len Anoosh George Stephen Jason "
    "Harry Caroline Andrew Jonathan Anna Hannah Laurie Tanya Ailbhe Leo Philip Mark "
    "Gavin Kate Martha Ian Nick Lola Josh Rowan Ellen Michael Pippa Ben Julia Adrian "
    "Patrick Felicity Megan Samir Priya Aditya Chloe Kwame Tobi Farah Yasmin Imogen "
    "Gráinne Zoë Chloé Renée Sinéad José Inés Ramón Søren Björn Agnès Noémie"
)
_LAST = _words(
    "Walter Rausing Watson Macintyre Stokeld Hayman Lansman Schneider Rees Todd Akehurst "
    "Thornberry Abbott Lewis McCluskey Chakelian Eaton Bush Cowley Rennie Penny Gilbert "
    "Ramsay Harris Coggan Sandbrook Gray Derbyshire Tharoor Malik Okafor Adeyemi Mensah "
    "Kaur Shah Patel Khan Chowdhury Hughes Price Evans Morgan Clarke Fletcher Lamb Bloom "
    "Seymour Hunt Finch Marsh Sutherland Ferguson Campbell Doyle Brennan Kavanagh "
    "O’Brien O’Toole McFadyean Smith-Jones Lloyd-Webber Müller Núñez Juárez Chávez "
    "Fernández Sørensen Lefèvre Gómez Benítez"
)
# Outside Windows-1252; used sparingly (see module docstring).
_RARE_LAST = ("Dvořák", "Wałęsa", "Erdoğan", "Ceaușescu")
_PLACES = _words(
    "London|Liverpool|Bradford|Camden Town|Euston|Bethlehem|Hebron|Mumbai|Ciudad Juárez|"
    "Medellín|São Paulo|Zürich|Montréal|Kraków|Reykjavík|Córdoba|Málaga|Brussels|Paris|"
    "Berlin|Istanbul|Karachi|Lagos|Nairobi|Glasgow|Cardiff|Belfast|Copeland|Chester|"
    "Luton|Hackney|Richmond|Tel Aviv|Bogotá|Athens|Corfu|Faridkot|Kashmir|Delhi|Cairo|"
    "Manchester|Leeds|Sunderland|Stoke|Dundee|Aberdeen|Swansea|Derry|Margate|Hull",
    sep="|",
)
_RARE_PLACES = ("Łódź", "Gdańsk", "Brașov")
_ORGS = _words(
    "Asylum Aid|the TUC|Amnesty International|the Treasury|the Home Office|Momentum|"
    "the Bank of England|the BBC|Channel 4|the European Union|the United Nations|Oxfam|"
    "the Labour Party|the Conservative Party|the Liberal Democrats|the SNP|Unison|the GMB|"
    "the Metropolitan Police|the NHS|the Foreign Office|the IMF|Nato|the World Bank|"
    "the Electoral Commission|the Supreme Court|the Arts Council|Shelter|Liberty",
    sep="|",
)
_NOUNS = _words(
    "government party minister city council border factory election campaign newspaper "
    "union village court hospital school policy budget market crisis movement committee "
    "family community economy army police church station prison report inquiry treaty "
    "strike office coalition festival museum bank railway river harbour cabinet "
    "parliament republic region province charity conference audience generation decade "
    "century reform protest tradition language memory archive estate square tower bridge "
    "airport farm mine shipyard café façade régime debate manifesto referendum scandal "
    "recession revolution détente élite rôle bus coach hall shop leaflet banner poll"
)
_PLURALS = _words(
    "voters workers refugees ministers families activists students soldiers journalists "
    "farmers judges bankers nurses teachers writers officials protesters children women "
    "men readers members landlords migrants donors critics historians economists lawyers "
    "detainees settlers councillors organisers commuters pensioners"
)
_ADJECTIVES = _words(
    "political uneasy remarkable familiar bitter quiet modern ancient radical fragile "
    "long crowded empty northern southern public private local national liberal "
    "conservative rural urban violent peaceful ambitious reluctant obscure famous painful "
    "hopeful cautious decisive dismal affluent orderly naïve sombre shabby grand "
    "forgotten stubborn curious generous brutal gentle restless anxious candid"
)
_VERBS_PAST = _words(
    "changed abandoned defended exposed funded ignored rebuilt attacked praised divided "
    "transformed questioned survived resisted described recorded betrayed promised "
    "welcomed condemned supported opposed reshaped undermined celebrated mourned"
)
_VERBS_INF = _words(
    "change abandon defend expose fund ignore rebuild question understand win lose "
    "survive resist describe record betray welcome condemn support oppose reshape"
)
_VERBS_3S = _words("suggests insists argues believes fears admits explains recalls concedes hopes")
_VERBS_PLURAL = _words(
    "remain divided|wait for news|talk about little else|look elsewhere|keep their distance|"
    "organise in secret|vote with their feet|sleep on the floor|feel abandoned|want change",
    sep="|",
)
_ADVERBS = _words(
    "slowly quietly rarely suddenly repeatedly openly privately firmly calmly eventually "
    "reluctantly briefly angrily patiently"
)
_FUNCTION = _words(
    "the a of and to in that it was for on with as at by from but not this which or "
    "his her their its who had have were been has more there than when would about "
    "into only after over also some what could most other them so"
)
_OUTLETS = _words(
    "BBC Newsnight|the Guardian|Granta|the Financial Times|Channel 4 News|Prospect|"
    "the London Review of Books|the Observer|Radio 4|the New Statesman",
    sep="|",
)
_AGENCIES = _words(
    "Getty Images|Reuters|AFP|PA|Anadolu Agency|Alamy|Rex Features|EPA|AP|Bloomberg",
    sep="|",
)
_TIMELINE_HEADS = _words(
    "INDIA UNDER SIEGE|A YEAR OF CRISIS|HOW IT HAPPENED|THE ROAD TO WAR|KEY DATES|"
    "A CITY IN FEAR|THE STORY SO FAR|YEAR OF PROTEST|TIMELINE|THE LONG RETREAT",
    sep="|",
)
_CROSSHEADS = _words(
    "Histories of violence|Tipping points|Only connect|The long view|Old habits|"
    "Counting the cost|A quiet war|Home truths|Small mercies|The morning after|"
    "Lines of descent|Hard times|Open secrets|The reckoning|Common ground|After the fall|"
    "What comes next|Best of enemies|Rough justice|A question of faith|Façade and fabric",
    sep="|",
)
_NUMBERED = _words(
    "The Bus|The Conference|The HQ|The Fallout|The Meeting|The Border|The Count|"
    "The Return|The Office|The Vote|The Trial|The Morning|The Village|The Aftermath",
    sep="|",
)
_COVER_NOUNS = _words(
    "Terror|mask|swindle|revolution|crisis|reckoning|bubble|century|empire|border|"
    "Middle East|class war|silent majority|new right|lost generation|housing trap",
    sep="|",
)
_BAD_TEXTS = (
    "Home\nPolitics\nCulture\nWorld\nSubscribe\nSign in\nNewsletters\nCookie settings",
    "404 – Page not found",
    "Access denied\nYou don't have permission to access this page.",
    "Subscribe from £1 a week\nSign in\nRegister\n© New Statesman Media\nPrivacy",
    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
)

# --- sentence templates ------------------------------------------------------------------
# Templates mix straight and typographic quotes, spaced hyphens and en dashes, £ sums,
# bare web addresses, handles and Markdown/HTML-looking characters, as the seeds do.
# No template starts with "<Name> is", "This article first appeared" or a list marker,
# so prose never impersonates a bio, a provenance line or a crosshead.
_TEMPLATES = (
    "{Subj} {past} the {adj} {noun} in {place}.",
    "{Person} {v3} that the {plural} of {place} {vplural}.",
    "“{Clause},” {person} says.",
    '"{Clause}," she says. "{Clause}."',
    "“{Clause},” he says, calmly. “{Clause}.”",
    "In {year}, {num} {plural} were {past} in {place}.",
    "There is a {adj} {noun} on the edge of {place}, and the {plural} {vplural}.",
    "It cost £{amount}, or {num} per cent of the {adj} budget.",
    "The {noun} - which {past} the {noun} in {year} - is {adj} now.",
    "Why should the {plural} {inf} the {noun}?",
    "Nobody in {place} knows what the {noun} will {inf} next.",
    "{Adv}, the {noun} of {place} {past} its {adj} {noun}.",
    "As {org} {past} the {noun} – a {adj} {noun} by any measure – the {plural} {vplural}.",
    "I met {person} at a {adj} café in {place}; we talked about the {noun} for hours.",
    "Not long ago I was sitting in {place} with a {adj} {noun} from {org}.",
    "{Org} {past} the {noun}, according to a report published in {year}.",
    "The figure [sic] was {num}, and the {plural} {past} it {adv}.",
    "One leaflet promised *{adj}* change; another, _{adj}_ {plural}.",
    "The sign outside read <{upper}> in red paint.",
    "Campaigners shared the hashtag #{word}{word} and the address {word}.com.",
    "You can follow them at @{word}{num} or read more at http://www.{word}.org.",
    "It was a tre mendous {noun}, and the {plural} knew it.",
    "What does the {noun} mean for the {plural} of {place}?",
    "The {adj} {plural} {vplural}, and who can blame them?",
    "For the best part of {num} years, {org} {past} the {adj} {noun}.",
    "{Subj} said nothing; the {plural}, {adv}, {vplural}.",
    "By {year} the {noun} had {past} the {adj} {noun} beyond recognition.",
    "Her {noun} in {place} was {past} twice, once in {year} and again a decade later.",
    "The façade of the old {noun} still stands, {adj} and {adj}.",
    "“It is about what he represents,” says {person}, a {adj} {noun} organiser.",
)
_CLAUSES = (
    "We are not going to {inf} the {noun}",
    "This is not about the {noun}, not really",
    "I hope it won’t be {adj}",
    "The {plural} have {past} us",
    "Nobody claims otherwise",
    "It was always going to be {adj}",
    "Don’t be {adj}, folks",
    "The {noun} isn’t his fault",
    "They {past} the {noun} and nobody noticed",
    "It's a {adj} {noun}",
)
_STANDFIRST_LEADS = (
    (
        "As we mark {num} years of the {noun}, {author} argues that the {adj} {noun} of {place} "
        "has {past} the {plural} it was meant to serve."
    ),
    "On a visit to {place}, {author} finds a {adj} {noun} and {plural} who {vplural}.",
    (
        "{author} spent six months following the {noun} in {place}, and asks: what is the "
        "truth about the {adj} {plural}?"
    ),
    (
        "Even if none of the {plural} turns out to be {adj}, the {noun} in {place} has "
        "{past} the {adj} {noun} for good."
    ),
    (
        "Since {year}, hundreds of {plural} have been {past} in the {adj} city of {place}. "
        "There is no clear answer as to why."
    ),
    (
        "{Subj} is widely seen as a {adj} {noun}. But is the change quite so deep as "
        "{org} would have us believe?"
    ),
)
_ROLES = (
    "a correspondent for {outlet}",
    "political editor of the New Statesman",
    "a contributing writer for the New Statesman",
    "the author of “The {Adj} {Noun}” ({outlet}, £{price})",
    "a writer based in {place}",
    "the founder of {org}, @{word}{word}",
    "a senior fellow at {org}",
    "the publisher of {outlet} and founder of the {last} Trust",
    "a former {noun} correspondent for {outlet}. Her new book is published by {outlet}",
    "a columnist for {outlet} (http://www.{word}.com)",
    "professor of {noun} studies at the University of {place}",
)


def _fold(text: str) -> str:
    """ASCII-ish form of a title, as cover lines sometimes print it ('The facade cracks')."""
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def _slug_key(title: str) -> str:
    # Stricter than any slugifier: two titles whose letters and digits agree would
    # surely collide, whatever the slug rules, so treat them as the same title.
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", folded.lower())


def _format_date(d: date) -> str:
    # Hand-made rather than strftime, which pads years below 1000 inconsistently
    # across platforms and huge archives reach back that far.
    return f"{d.day:02d} {_MONTHS[d.month - 1]} {d.year}"


# "a" before a vowel sound becomes "an" ("a union" stays), so the prose reads as English.
_A_AN = re.compile(r"\b([Aa])(?= (?:[aeioAEIO]|un(?!i)|ur))")


_SLOT_WORDS: dict[str, Sequence[str]] = {
    "noun": _NOUNS,
    "plural": _PLURALS,
    "adj": _ADJECTIVES,
    "past": _VERBS_PAST,
    "inf": _VERBS_INF,
    "v3": _VERBS_3S,
    "vplural": _VERBS_PLURAL,
    "adv": _ADVERBS,
    "org": _ORGS,
    "last": _LAST,
    "outlet": _OUTLETS,
    "num": _words("2 3 4 5 12 15 20 27 41 60 85 100 878"),
    "amount": _words("167 300 3m 10 1.2bn 50,000"),
    # Handles and web addresses: plain ASCII words only.
    "word": tuple(w for w in _NOUNS + _ADJECTIVES if w.isascii()),
}


class _Filler:
    """Fills ``{slot}`` templates; a capitalised slot name capitalises the filling.

    A slot is either a word list (``_SLOT_WORDS``) or a ``_slot_<name>`` method; both are
    looked up per slot rather than bound per instance, because a filler is made for
    every article and building a table of closures each time showed in profiles.
    """

    _SLOT = re.compile(r"\{(\w+)\}")

    def __init__(self, rng: random.Random, rare: float = 0.0) -> None:
        self.rng = rng
        self.rare = rare

    def _slot_year(self) -> str:
        return str(self.rng.randint(1929, 2016))

    def _slot_price(self) -> str:
        return f"{self.rng.randint(8, 30)}.99"

    def _slot_upper(self) -> str:
        return f"NO {self.rng.choice(_NOUNS).upper()}"

    def _slot_clause(self) -> str:
        return self.fill(self.rng.choice(_CLAUSES))

    def _slot_place(self) -> str:
        if self.rare and self.rng.random() < self.rare:
            return self.rng.choice(_RARE_PLACES)
        return self.rng.choice(_PLACES)

    def _slot_person(self) -> str:
        last = self.rng.choice(_LAST)
        if self.rare and self.rng.random() < self.rare:
            last = self.rng.choice(_RARE_LAST)
        return f"{self.rng.choice(_FIRST)} {last}"

    def _slot_subj(self) -> str:
        pick = self.rng.random()
        if pick < 0.4:
            return f"the {self.rng.choice(_NOUNS)}"
        if pick < 0.7:
            return f"the {self.rng.choice(_ADJECTIVES)} {self.rng.choice(_NOUNS)}"
        if pick < 0.85:
            return self._slot_person()
        return self.rng.choice(_ORGS)

    def _replace(self, match: re.Match[str]) -> str:
        name = match.group(1)
        key = name.lower()
        words = _SLOT_WORDS.get(key)
        value = self.rng.choice(words) if words else getattr(self, f"_slot_{key}")()
        return value[:1].upper() + value[1:] if name[0].isupper() else value

    def fill(self, template: str) -> str:
        return _A_AN.sub(r"\1n", self._SLOT.sub(self._replace, template))


@dataclass(frozen=True)
class _Pool:
    sentences: tuple[str, ...]
    words: tuple[int, ...]
    short: tuple[str, ...]  # for timeline entries, so a full timeline stays small


def _random_shorts(rng: random.Random, count: int) -> array[int]:
    """``count`` uniform integers below 65,536, straight from random bytes.

    Ten times faster than ``rng.choices``, which is the cost that matters when
    picking some twenty million words' worth of sentences.
    """
    values = array("H", rng.randbytes(2 * count))
    if sys.byteorder == "big":
        # Same bytes, same numbers, on every machine.
        values.byteswap()
    return values


# One pool for every seed, built once a process: the seed already decides which
# sentences each article draws, and tests and benches synthesise many archives.
@lru_cache(maxsize=1)
def _build_pool(size: int = _POOL_SIZE) -> _Pool:
    rng = random.Random("sentence pool")
    filler = _Filler(rng, rare=0.002)
    vocab = _NOUNS + _ADJECTIVES + _PLURALS + _VERBS_PAST + _FUNCTION * 3
    sentences: list[str] = []
    while len(sentences) < size:
        if rng.random() < 0.2:
            # Loose word salad widens the vocabulary, which matters for search benches.
            salad = rng.choices(vocab, k=rng.randint(7, 26))
            text = " ".join(salad)
            text = _A_AN.sub(r"\1n", text[0].upper() + text[1:] + rng.choice(".....?"))
        else:
            text = filler.fill(rng.choice(_TEMPLATES))
        if rng.random() < 0.03:
            # A non-breaking space where an ordinary one belongs, as the scraper left.
            spaces = [m.start() for m in re.finditer(" ", text)]
            if spaces:
                cut = rng.choice(spaces)
                text = text[:cut] + "\u00a0" + text[cut + 1 :]
        if len(text.split()) <= 35:
            sentences.append(text)
    words = tuple(len(s.split()) for s in sentences)
    short = tuple(s for s, w in zip(sentences, words, strict=True) if 6 <= w <= 18)
    # Spread over all 65,536 values of a random short, so that a pick needs no
    # arithmetic; the pool size divides 65,536, so every sentence is equally likely.
    spread = 65536 // size
    return _Pool(tuple(sentences) * spread, words * spread, short)


# --- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthArticle:
    """What a correct ingest should recover from one synthetic article."""

    index: int
    title: str
    author: str | None  # None: the article has no bio paragraph
    issue_date: date | None  # None: web-only, no provenance line
    cover: str | None
    target_words: int  # prose words aimed at; the body holds this many or a few more
    marker: bool  # the dump starts with "Show Hide image" (possibly after a credit)
    standfirst_cut: bool  # standfirst cut at exactly 100 characters, mid-word
    crossheads: str  # "", "plain" or "numbered"
    section_breaks: bool
    inline_credit: bool
    hard_wraps: int
    verse: bool
    timeline: bool
    correction: bool
    interviews_note: bool


@dataclass(frozen=True)
class SynthFile:
    """One raw file: either a list of article dumps, or a deliberately bad file."""

    name: str
    dumps: tuple[int, ...]  # article indexes, in file order; empty for a bad file
    bad: str  # "", "empty", "blank", "binary" or "text"
    encoding: str  # wished-for encoding; cp1252 falls back to utf-8 if it cannot encode
    crlf: bool
    trailing_spaces: bool  # on the duplicate dumps only
    final_newline: bool


@dataclass(frozen=True)
class SynthSummary:
    files: int  # raw files written
    articles: int  # distinct articles that a correct ingest should find (good files only)
    page_dumps: int  # page dumps written in total, including duplicates
    duplicates: int  # page dumps that repeat an article already written elsewhere
    bad_files: int  # files that a correct ingest must reject
    issues: int  # distinct magazine issues
    authors: int  # distinct writers


def writer_count(n: int) -> int:
    """How many distinct writers the archive draws on (a few hundred at full size)."""
    return min(400, max(20, n // 25))


def _word_target(rng: random.Random) -> int:
    # Log-normal around 1,900 words puts about half of the articles between 1,500
    # and 2,500; a sprinkle of long reads fills the tail up towards the maximum.
    if rng.random() < 0.03:
        words = rng.randint(4000, _PROSE_CAP)
    else:
        words = int(rng.lognormvariate(math.log(1900), 0.38))
    return max(MIN_WORDS, min(_PROSE_CAP, words))


def _make_writers(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        last = rng.choice(_LAST)
        if rng.random() < 0.01:
            last = rng.choice(_RARE_LAST)
        name = f"{rng.choice(_FIRST)} {last}"
        if name not in names:
            names.add(name)
            out.append(name)
    return out


_TITLE_TEMPLATES = (
    "The {noun} cracks",
    "{Place}’s {adj} {plural}",
    "Losing {Noun}: how {person} {past} the {noun}",
    "Children of {place} v sons of {place}",
    "Becoming a {adj} {noun}",
    "I am every {noun}",
    "Why the {noun} {v3} nothing",
    "The {adj} {noun} of {place}",
    "After the {noun}: {adj} {plural} in {place}",
    "The return of the {adj} {noun}",
    "{Person} and the {adj} {noun}",
    "Is this the end of the {adj} {noun}?",
    "How {place} {past} its {plural}",
    "The {plural} who {past} the {noun}",
    "Letter from {place}",
    "Inside the {adj} {noun}",
    "{Adj} {plural}, {adj} {noun}",
    "A {noun} in {place}",
    "What the {plural} of {place} know",
    "The {noun} that {past} {place}",
)


def _make_titles(rng: random.Random, n: int) -> list[str]:
    filler = _Filler(rng, rare=0.01)
    seen: set[str] = set()
    titles: list[str] = []
    for _ in range(n):
        for attempt in range(12):
            title = filler.fill(rng.choice(_TITLE_TEMPLATES))
            if attempt >= 6:
                # The template space is finite; a place and a year make it distinct.
                title = f"{title} in {filler.fill('{place}')}, {rng.randint(1900, 2016)}"
            key = _slug_key(title)
            if key not in seen:
                break
        else:
            title = f"{title} (part {len(titles) + 1})"
            key = _slug_key(title)
        seen.add(key)
        titles.append(title)
    return titles


def _make_cover(rng: random.Random, lead_title: str) -> str:
    pick = rng.random()
    if pick < 0.3:
        # Covers often reuse the lead article's headline, folded to plain letters.
        return _fold(lead_title)
    if pick < 0.55:
        return f"Behind the {rng.choice(_COVER_NOUNS)}"
    if pick < 0.8:
        # Provenance lines print a straight apostrophe ("Trump's permanent revolution").
        name = rng.choice(_LAST).replace("’", "'")
        return f"{name}'s {rng.choice(_ADJECTIVES)} {rng.choice(_COVER_NOUNS)}"
    return f"The {rng.choice(_ADJECTIVES)} {rng.choice(_COVER_NOUNS)}"


def plan_articles(n: int, seed: int = 0) -> list[SynthArticle]:
    """The distinct articles of the archive ``synthesize(n, ..., seed)`` writes."""
    if n < 0:
        raise ValueError("the number of articles cannot be negative")
    rng = random.Random(seed)
    web_only = [rng.random() < 0.05 for _ in range(n)]
    has_bio = [rng.random() < 0.85 for _ in range(n)]
    marker = [rng.random() < 0.85 for _ in range(n)]
    words = [_word_target(rng) for _ in range(n)]
    cut = [rng.random() < 0.8 for _ in range(n)]
    cross_roll = [rng.random() for _ in range(n)]
    crossheads = ["numbered" if r < 0.1 else "plain" if r < 0.3 else "" for r in cross_roll]
    breaks = [rng.random() < 0.12 for _ in range(n)]
    credit = [rng.random() < 0.1 for _ in range(n)]
    wraps = [rng.randint(1, 3) if rng.random() < 0.15 else 0 for _ in range(n)]
    verse = [rng.random() < 0.03 for _ in range(n)]
    timeline = [rng.random() < 0.05 for _ in range(n)]
    correction = [rng.random() < 0.02 for _ in range(n)]
    interviews = [rng.random() < 0.02 for _ in range(n)]
    if n >= 20:
        # Small archives would otherwise miss rare cues entirely; tests rely on each.
        for flags in (timeline, verse, breaks, credit, correction, interviews, web_only):
            if not any(flags):
                flags[rng.randrange(n)] = True
        if all(cut):
            cut[rng.randrange(n)] = False
        if not any(wraps):
            wraps[rng.randrange(n)] = 1
        if "numbered" not in crossheads:
            crossheads[rng.randrange(n)] = "numbered"

    # Writers: every one writes at least once if there are enough bylines, then a
    # long tail, as a magazine's regulars outnumber its one-off contributors.
    writers = _make_writers(rng, writer_count(n))
    bylined = [i for i in range(n) if has_bio[i]]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(writers))]
    assigned = writers[: len(bylined)] + rng.choices(
        writers, weights, k=max(0, len(bylined) - len(writers))
    )
    rng.shuffle(assigned)
    author: list[str | None] = [None] * n
    for i, name in zip(bylined, assigned, strict=True):
        author[i] = name

    titles = _make_titles(rng, n)

    # Issues: print articles fill weekly issues in runs of 12 to 18 (about 15).
    issue_of: list[int | None] = [None] * n
    printed = [i for i in range(n) if not web_only[i]]
    leads: list[int] = []
    pos = 0
    while pos < len(printed):
        size = rng.randint(12, 18)
        leads.append(printed[pos])
        for i in printed[pos : pos + size]:
            issue_of[i] = len(leads) - 1
        pos += size
    covers = [_make_cover(rng, titles[lead]) for lead in leads]
    if START_ISSUE.toordinal() - 7 * len(leads) < 1:
        raise ValueError(f"{n} articles need more weekly issues than the calendar holds")

    # A handful of same-title pairs, as the real archive has: different issues,
    # different text, one headline; the edition must keep both.
    paired: set[int] = set()
    for _ in range(min(6, n // 100)):
        for _attempt in range(20):
            a, b = rng.sample(printed, 2)
            if issue_of[a] != issue_of[b] and not paired & {a, b}:
                titles[b] = titles[a]
                paired |= {a, b}
                break

    out: list[SynthArticle] = []
    for i in range(n):
        issue = issue_of[i]
        out.append(
            SynthArticle(
                index=i,
                title=titles[i],
                author=author[i],
                issue_date=None if issue is None else START_ISSUE - timedelta(days=7 * issue),
                cover=None if issue is None else covers[issue],
                target_words=words[i],
                marker=marker[i],
                standfirst_cut=cut[i],
                crossheads=crossheads[i],
                section_breaks=breaks[i],
                inline_credit=credit[i],
                hard_wraps=wraps[i],
                verse=verse[i],
                timeline=timeline[i],
                correction=correction[i],
                interviews_note=interviews[i],
            )
        )
    return out


def expected_titles(n: int, seed: int = 0) -> list[str]:
    """Titles by article index; equal titles mark the deliberate same-title pairs."""
    return [a.title for a in plan_articles(n, seed)]


def bad_file_count(n: int) -> int:
    """About one file in 500 is unusable, and at least one once n reaches 100."""
    return max(1 if n >= 100 else 0, round(n / 500))


def plan_files(
    n: int, seed: int = 0, articles: Sequence[SynthArticle] | None = None
) -> list[SynthFile]:
    """The files ``synthesize`` writes, in name order, without their text."""
    arts = list(articles) if articles is not None else plan_articles(n, seed)
    rng = random.Random(f"{seed}:files")
    with_marker = [a.index for a in arts if a.marker]
    # The page chrome favours a few popular pieces, as "Losing Momentum" shows up in
    # every seed; the rest of the second dumps are picked from the whole archive.
    popular = rng.sample(with_marker, min(len(with_marker), max(1, n // 250)))

    def extra_dump(first: int) -> int | None:
        for _ in range(8):
            source = popular if rng.random() < 0.5 else with_marker
            pick = rng.choice(source)
            if pick != first:
                return pick
        return None

    firsts = list(range(n))
    # About 1% of pages were scraped twice; their first dump is itself a duplicate.
    firsts += [rng.randrange(n) for _ in range(round(n * 0.01))]
    layouts: list[tuple[tuple[int, ...], str]] = []
    for first in firsts:
        page = [first]
        roll = rng.random()
        extras = 2 if roll < 0.03 else 1 if roll < 0.83 else 0
        # Only a dump that starts with the marker can follow another: without it
        # nothing tells where one page's article ends and the next begins.
        for _ in range(extras if len(with_marker) > 1 else 0):
            extra = extra_dump(first)
            if extra is not None and extra not in page:
                page.append(extra)
        layouts.append((tuple(page), ""))
    kinds = ("empty", "binary", "text", "blank", "binary", "text")
    layouts += [((), kinds[i % len(kinds)]) for i in range(bad_file_count(n))]
    rng.shuffle(layouts)

    files: list[SynthFile] = []
    for number, (dumps, bad) in enumerate(layouts):
        digest = hashlib.blake2b(
            f"{seed}:{number}:{dumps}:{bad}".encode(), digest_size=8
        ).hexdigest()
        roll = rng.random()
        encoding = "utf-8-sig" if roll < 0.02 else "cp1252" if roll < 0.05 else "utf-8"
        files.append(
            SynthFile(
                name=f"{number:06d}_{digest}.txt",
                dumps=dumps,
                bad=bad,
                encoding=encoding,
                crlf=rng.random() < 0.03,
                trailing_spaces=len(dumps) > 1 and rng.random() < 0.2,
                final_newline=rng.random() < 0.1,
            )
        )
    return files


# --- rendering --------------------------------------------------------------------------


def _cut_standfirst(filler: _Filler, rng: random.Random, pool: _Pool, author: str | None) -> str:
    for _ in range(50):
        text = _long_standfirst(filler, rng, pool, author)
        # The scraper's cut: exactly 100 characters, landing inside a word.
        if len(text) > 101 and text[99].isalpha() and text[100].isalpha():
            return text[:100]
    return ("Standfirst " * 20)[:100]


def _long_standfirst(filler: _Filler, rng: random.Random, pool: _Pool, author: str | None) -> str:
    lead = rng.choice(_STANDFIRST_LEADS)
    text = filler.fill(lead.replace("{author}", author or "our correspondent"))
    text = text[0].upper() + text[1:]
    while len(text) < 110:
        text += " " + rng.choice(pool.sentences)
    return text


def _complete_standfirst(filler: _Filler, rng: random.Random, pool: _Pool) -> str:
    for _ in range(50):
        text = rng.choice(pool.sentences)
        if text[-1] in ".?!" and "\u00a0" not in text and len(text) > 40:
            if rng.random() < 0.4:
                second = rng.choice(pool.sentences)
                if second[-1] in ".?!":
                    text = f"{text} {second}"
            return text
    return filler.fill("The {adj} {noun} of {place} is not what it seems.")


def _hard_wrap(paragraph: str, rng: random.Random) -> str | None:
    # Only after 60 characters, so the first line is long and reads as a fragment
    # rather than as a crosshead; the next line must start in lower case.
    spots = [m.start() for m in re.finditer(r" (?=[a-z])", paragraph) if m.start() >= 60]
    if not spots:
        return None
    cut = rng.choice(spots)
    return paragraph[:cut] + "\n" + paragraph[cut + 1 :]


def _verse(filler: _Filler, rng: random.Random) -> list[str]:
    intro = filler.fill(
        rng.choice(
            (
                "The inscription on the {noun} in {place} states:",
                "A plaque by the door of the {adj} {noun} reads:",
                "The {plural} still sing the old song:",
            )
        )
    )
    lines = []
    for _ in range(rng.randint(3, 6)):
        line = filler.fill(
            rng.choice(
                (
                    "{Adj} {noun}",
                    "{Noun} {year}",
                    "The {plural} have {past}",
                    "{Adj}, {adj}, {past} {year}",
                    "A {adj} {noun}",
                    "Living together",
                )
            )
        )
        lines.append(line)
    if rng.random() < 0.5:
        lines[-1] = f"“{lines[-1]}.” cf Jer 31:17"
    return [intro, "\n".join(lines)]


def _timeline(filler: _Filler, rng: random.Random, pool: _Pool, anchor: date) -> str:
    count = rng.randint(3, 20)
    span = 360
    offsets = sorted(rng.sample(range(7, span), count))
    dates = [anchor - timedelta(days=span - o) for o in offsets]
    if count > 1 and rng.random() < 0.3:
        # The seed's timeline has entries out of date order; the edition must cope.
        j = rng.randrange(count - 1)
        dates[j], dates[j + 1] = dates[j + 1], dates[j]
    # Four-digit years, two-digit years, or (as in the seed) a switch part-way down.
    style = rng.choice(("long", "short", "mixed"))
    switch = {"long": count, "short": 0, "mixed": rng.randint(1, count)}[style]
    bullets = []
    for number, d in enumerate(dates):
        year = f"{d.year}" if number < switch else f"{d.year % 100:02d}"
        bullets.append(f"  • {d.day:02d}.{d.month:02d}.{year} {rng.choice(pool.short)}")
    if rng.random() < 0.5:
        bullets.append(f"  • {filler.fill('{person}')}")
    return rng.choice(_TIMELINE_HEADS) + "\n\n" + "\n".join(bullets)


def _image_block(filler: _Filler, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return _MARKER
    person = filler.fill("{person}")
    agency = rng.choice(_AGENCIES)
    if roll < 0.55:
        credit = f"{person}/{agency}"
    elif roll < 0.9:
        tail = "" if agency == "Getty Images" else f"/{agency}"
        credit = f"{person}{tail}/GETTY IMAGES".upper()
    else:
        caption = filler.fill("{Plural} gather outside the {noun} in {place}.")
        credit = f"{caption} Photo: {person}/{agency}"
    return f"{credit}\n{_MARKER}"


def render_article(article: SynthArticle, seed: int = 0) -> str:
    """One page dump: LF line endings, no trailing newline, as the seeds store it.

    ``article`` must come from ``plan_articles(n, seed)`` with the same seed; the
    text is then exactly what ``synthesize`` writes (before any file's encoding or
    whitespace variation).
    """
    pool = _build_pool()
    rng = random.Random(f"{seed}:{article.index}")
    filler = _Filler(rng)
    blocks: list[str] = []
    if article.marker:
        blocks.append(_image_block(filler, rng))
    blocks.append(article.title)
    if article.standfirst_cut:
        author = article.author if rng.random() < 0.4 else None
        blocks.append(_cut_standfirst(filler, rng, pool, author))
    else:
        blocks.append(_complete_standfirst(filler, rng, pool))

    # Prose: whole sentences from the pool until the target is met, so the body
    # overshoots by at most one sentence. Batched picks and a bisect over running
    # totals keep the per-sentence work in C; this loop is the generator's hot spot.
    need = article.target_words
    picks: list[int] = []
    totals: list[int] = []
    while not totals or totals[-1] < need:
        # Pool sentences average about 13 words: one batch nearly always suffices.
        picks += _random_shorts(rng, need // 11 + 16)
        totals = list(accumulate(itemgetter(*picks)(pool.words)))
    end = bisect_left(totals, need) + 1
    chosen = itemgetter(*picks[:end])(pool.sentences)
    paragraphs: list[str] = []
    at = 0
    while at < end:
        for size in rng.choices(_PARAGRAPH_SIZES, k=end // 4 + 2):
            paragraphs.append(" ".join(chosen[at : at + size]))
            at += size
            if at >= end:
                break

    for _ in range(article.hard_wraps):
        spot = rng.randrange(len(paragraphs))
        wrapped = _hard_wrap(paragraphs[spot], rng)
        if wrapped is not None and "\n" not in paragraphs[spot]:
            paragraphs[spot] = wrapped
    if article.hard_wraps and not any("\n" in p for p in paragraphs):
        # Make sure the flag holds: wrap the first paragraph that can be wrapped.
        for spot, paragraph in enumerate(paragraphs):
            wrapped = _hard_wrap(paragraph, rng)
            if wrapped is not None:
                paragraphs[spot] = wrapped
                break

    sectioned = bool(article.crossheads) or article.section_breaks
    section_count = min(rng.randint(2, 5), max(1, len(paragraphs) // 2)) if sectioned else 1
    cuts = (
        sorted(rng.sample(range(1, len(paragraphs)), section_count - 1))
        if (section_count > 1)
        else []
    )
    sections = [paragraphs[a:b] for a, b in zip([0, *cuts], [*cuts, len(paragraphs)], strict=True)]
    nbsp = article.crossheads == "numbered" and rng.random() < 0.5
    heads = rng.sample(_NUMBERED if article.crossheads == "numbered" else _CROSSHEADS, 5)
    credit_done = not article.inline_credit
    body: list[str] = []
    for number, section in enumerate(sections):
        if number and article.section_breaks:
            if not credit_done:
                body.append(f"ILLUSTRATION BY {filler.fill('{person}').upper()}")
                credit_done = True
            body.append("***")
        if article.crossheads == "numbered":
            if number and nbsp:
                # The seeds carry a line holding only a non-breaking space here.
                body.append("\u00a0")
            body.append(f"{number + 1}. {heads[number]}")
        elif article.crossheads == "plain" and number:
            body.append(heads[number])
        if nbsp:
            section = ["\u00a0" + section[0], *section[1:]]
        body.extend(section)
    if not credit_done:
        credit = rng.choice(("ILLUSTRATION BY", "ILLUSTRATION BY", "PHOTOGRAPHY BY"))
        body.insert(rng.randint(1, len(body)), f"{credit} {filler.fill('{person}').upper()}")
    if article.verse:
        at = rng.randint(1, len(body))
        body[at:at] = _verse(filler, rng)
    blocks.extend(body)

    if article.interviews_note:
        blocks.append(
            filler.fill(
                "Some of the interviews were carried out by {person} and {person}. "
                "Names have been changed."
            )
        )
    if article.correction:
        blocks.append(
            filler.fill(
                "Correction: This article originally named {person} as a {adj} councillor. "
                "The error was corrected in {year}."
            )
        )
    if article.author is not None:
        role = filler.fill(rng.choice(_ROLES))
        # Like the seeds, some bios stop without a full stop, after a link or a handle.
        stop = "" if role[-1] == ")" or "@" in role or rng.random() < 0.2 else "."
        blocks.append(f"{article.author} is {role}{stop}")
    if article.timeline:
        anchor = article.issue_date or START_ISSUE - timedelta(days=rng.randrange(3650))
        blocks.append(_timeline(filler, rng, pool, anchor))
    if article.issue_date is not None:
        blocks.append(
            _PROVENANCE.format(date=_format_date(article.issue_date), cover=article.cover)
        )
    return "\n\n".join(blocks)


def _bad_bytes(kind: str, rng: random.Random) -> bytes:
    if kind == "empty":
        return b""
    if kind == "blank":
        return b"\n \n\t\n"
    if kind == "binary":
        data = bytearray(rng.randbytes(rng.randint(256, 4096)))
        # NULs early and often, so any sniffing of the first few kilobytes sees them.
        for at in range(0, len(data), 97):
            data[at] = 0
        return bytes(data)
    return rng.choice(_BAD_TEXTS).encode("utf-8")


def _with_trailing_spaces(text: str, rng: random.Random) -> str:
    return "\n".join(
        line + (" " * rng.randint(1, 3) if line and rng.random() < 0.3 else "")
        for line in text.split("\n")
    )


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1252":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return text.encode("utf-8")
    return text.encode(encoding)


def synthesize(n: int, out: Path, seed: int = 0) -> SynthSummary:
    """Write a synthetic archive of ``n`` distinct articles into ``out``.

    Rerunning with the same arguments rewrites the same files byte for byte. Files
    of the plan already in ``out`` are overwritten; anything else there is refused,
    because mixing two archives would make every count in the summary wrong.
    """
    articles = plan_articles(n, seed)
    files = plan_files(n, seed, articles)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = {f.name for f in files}
    strangers = sorted(p.name for p in out.iterdir() if p.name not in names)
    if strangers:
        raise FileExistsError(
            f"{out} already holds files that are not part of this archive "
            f"(e.g. {strangers[0]}); use an empty directory"
        )
    # Duplicates are rendered once and kept until their last use, within a budget
    # of characters so that huge archives fall back to rendering again rather than
    # holding the whole archive in memory.
    uses: dict[int, int] = {}
    for f in files:
        for i in f.dumps:
            uses[i] = uses.get(i, 0) + 1
    cache: dict[int, str] = {}
    budget = [_CACHE_CHARS]

    def text_of(i: int) -> str:
        uses[i] -= 1
        text = cache.pop(i, None) if uses[i] == 0 else cache.get(i)
        if text is not None:
            if uses[i] == 0:
                budget[0] += len(text)
            return text
        text = render_article(articles[i], seed)
        if uses[i] and len(text) <= budget[0]:
            cache[i] = text
            budget[0] -= len(text)
        return text

    page_dumps = 0
    for f in files:
        rng = random.Random(f"{seed}:write:{f.name}")
        if f.bad:
            (out / f.name).write_bytes(_bad_bytes(f.bad, rng))
            continue
        parts = []
        for position, i in enumerate(f.dumps):
            text = text_of(i)
            if position and f.trailing_spaces:
                text = _with_trailing_spaces(text, rng)
            parts.append(text)
        page_dumps += len(parts)
        text = ("\n\n\n" if rng.random() < 0.1 else "\n\n").join(parts)
        if f.final_newline:
            text += "\n"
        if f.crlf:
            text = text.replace("\n", "\r\n")
        (out / f.name).write_bytes(_encode(text, f.encoding))

    return SynthSummary(
        files=len(files),
        articles=n,
        page_dumps=page_dumps,
        duplicates=page_dumps - n,
        bad_files=sum(1 for f in files if f.bad),
        issues=len({a.issue_date for a in articles if a.issue_date is not None}),
        authors=len({a.author for a in articles if a.author is not None}),
    )
