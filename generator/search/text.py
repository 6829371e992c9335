"""What search sees of an article: its plain text, and the words (terms) in it.

The browser must cut a query into exactly the terms the index holds, so the rules
here are few and each has a twin in ``overrides/assets/javascripts/search-engine.js``
(``fold``, ``tokens``, ``stem``); ``tests/test_search_text.py`` runs both on the
same text and requires the same terms.

- Folding: accents are dropped (NFKD, then combining marks removed), the letters
  that are not an accented form of another are spelled in ASCII (Ł, ø, ß, æ...),
  and case is lowered, so ``Lodz`` finds "Łódź" and ``Juarez`` "Juárez".
- A term is a run of letters and digits: punctuation, hyphens and apostrophes
  separate terms, so "Lashkar-e-Toiba" is three terms that a query finds as a
  phrase (search_index.py indexes each pair of neighbouring terms for that).
- Words are stemmed with the English Snowball stemmer (PyPI's ``snowballstemmer``;
  the browser runs the same algorithm compiled to JavaScript, snowball-english.js),
  so ``terrorism`` finds "terrorist", ``parties`` "party" and ``generously``
  "generous". One rule is added on both sides: a stem ending in "ist" loses it
  where Snowball would take "ism" off the same word, so "terrorist" and
  "terrorism", "socialist" and "socialism" meet (Snowball strips "-ism" but not
  "-ist"), while "artist" and "list" stay themselves.
- The word as written (folded, not stemmed) is its ``form``: the index also keeps
  which articles hold each form, so an exact match ranks above a stem-only one,
  and the forms are the vocabulary that "Did you mean" corrects a query from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

import snowballstemmer

from generator.content.body import body_text
from generator.content.policy import strip_comments
from generator.content.schema import Article

# Letters NFKD leaves alone because they are letters of their own, not a base
# letter with a mark; readers type their nearest ASCII.
_SPELLED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
        "ẞ": "SS",
        "ŧ": "t",
        "Ŧ": "T",
        "ŋ": "ng",
        "Ŋ": "NG",
        "ə": "e",
        "Ə": "E",
        "ĸ": "q",
        "ƒ": "f",
        "Ƒ": "F",
        "ɨ": "i",
        "Ɨ": "I",
        "ƶ": "z",
        "Ƶ": "Z",
    }
)
_MARK_RANGES = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARKS = re.compile(f"[{_MARK_RANGES}]")
# A word as written: letters, digits and combining accents ("Jua\u0301rez", typed
# with a separate accent, is one word). Python's \w is letters, digits and "_",
# the twin of JavaScript's [\p{L}\p{N}_]; term() then drops the "_".
_WORD = re.compile(f"[\\w{_MARK_RANGES}]+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Text as the index compares it: no accents, ASCII spellings, lower case."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    return _MARKS.sub("", text).lower()


_STEMMER = snowballstemmer.stemmer("english")


def _snowball(word: str) -> str:
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed


def stem(form: str) -> str:
    """The English Snowball stem of a folded word, with "-ist" treated as Snowball
    treats "-ism": ``terrorists`` and ``terrorism`` -> ``terror``."""
    stemmed = _snowball(form)
    if stemmed.endswith("ist"):
        ism = stemmed[:-3] + "ism"
        shorter = _snowball(ism)
        if shorter != ism:
            return shorter
    return stemmed


def form(word: str) -> str:
    """A written word as the index compares it, before stemming: folded, and
    anything folding made of it that is not a letter or digit dropped ("\u00bd"
    folds to "1/2": "12")."""
    folded = fold(word)
    if not folded.isalnum():
        folded = _NOT_ALNUM.sub("", folded)
    return folded


def term(word: str) -> str:
    """The term a written word stands for: its form, stemmed ("" for none)."""
    folded = form(word)
    return stem(folded) if folded else ""


class _Terms(dict[str, str]):
    """Word -> term, computed once per distinct word: an archive has a few hundred
    thousand distinct words and a few hundred million written ones."""

    def __missing__(self, word: str) -> str:
        value = self[word] = term(word)
        return value


_TERMS = _Terms()


def words(text: str) -> list[str]:
    """The words of ``text`` as written, in order."""
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """The terms of ``text``, in order ("_" alone is a word but no term)."""
    return [t for t in map(_TERMS.__getitem__, _WORD.findall(text)) if t]


# --- an article's plain text -------------------------------------------------------

_ESCAPED = re.compile(r"\\(.)")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTR_LIST = re.compile(r"\{:[^}]*\}")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:\*[ \t]*){3,}$|^[ \t]*(?:-[ \t]*){3,}$", re.MULTILINE)
# Runs of * and _ (found first: a pattern that starts with a look-behind is tried
# at every character of the body), kept when escaped or inside a word.
_EMPHASIS = re.compile(r"[*_]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _unemphasise(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before == "\\" or (before.isalnum() and after.isalnum()):
        return match.group()
    return ""


def markdown_paragraphs(body: str) -> list[str]:
    """The paragraphs of an article's Markdown as a reader reads them: headings'
    hashes, links' addresses, tags and emphasis markers gone, escapes undone.
    Search needs the words and a readable excerpt, not a faithful rendering (that
    is MkDocs' job, and would cost as much as rendering the page again), and it
    runs on the whole archive: each step runs over the whole body, once, and only
    if the body holds the character it looks for."""
    # Comments are editors' notes, never published (generator/content/policy.py).
    body = strip_comments(body)
    if "#" in body:
        body = _HEADING.sub(r"\1", body)
    if "*" in body or "-" in body:
        body = _RULE.sub("", body)
    if "](" in body:
        body = _IMAGE_OR_LINK.sub(r"\1", body)
    if "<" in body:
        body = _TAG.sub("", body)
    if "{:" in body:
        body = _ATTR_LIST.sub("", body)
    if body.count("*") + body.count("_") > body.count("\\*") + body.count("\\_"):
        # Some * or _ is not escaped (ingest escapes every one a scrape holds, so
        # this is an editor's emphasis): the costly pass, only then.
        body = _EMPHASIS.sub(_unemphasise, body)
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(body.strip()):
        text = block.replace("\n", " ").strip()
        if "\\" in text:
            text = _ESCAPED.sub(r"\1", text)
        if "&" in text:
            text = html.unescape(text)
        if text:
            paragraphs.append(text)
    return paragraphs


def article_fields(article: Article, collections: Sequence[str] = ()) -> dict[str, list[str]]:
    """What search indexes of an article, by field: the fields carry different
    weights (a word in the headline says more than one in the twelfth paragraph;
    search_index.FIELD_WEIGHTS). ``collections`` are the titles of the editors'
    collections the article is in."""
    timeline = []
    for line in article.timelines:
        timeline.append(line.title)
        timeline.extend(event.text for event in line.events)
    return {
        "title": [article.title],
        "standfirst": [article.standfirst] if article.standfirst else [],
        "writers": list(article.authors),
        # Read from the article's file, one article at a time (content/body.py).
        "body": list(markdown_paragraphs(body_text(article.body))),
        "timeline": timeline,
        # The cover line of the issue it appeared in: readers remember a cover.
        "cover": [article.issue.title] if article.issue else [],
        "topics": [*article.topics, *collections],
    }
