/*
 * The edition's search engine, in the reader's browser (loaded by search.js).
 *
 * It reads the index that generator/search/index.py writes into search-index/ and
 * fetches only what a query needs: meta.json (tiny, and naming the folder of the
 * rest, search-index/v/<digest>/), the postings of the query's
 * terms, the records of the results shown, and the facets' data once they are
 * asked for. Its API is the part of Pagefind's that search.js uses (options, init,
 * search, filters), so the benchmark can run the same page on a Pagefind bundle.
 *
 * fold, term and terms are the twins of generator/search/text.py, and crc32 and
 * pairShard of generator/search/index.py: tests/test_search_text.py runs both
 * sides on the same text and requires the same terms and shards.
 *
 * Content-Security-Policy: no eval, no inline anything; it only fetches JSON from
 * its own site (connect-src 'self').
 */

import { EnglishStemmer } from "./snowball-english.js";

const MARK_RANGES = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f";
const WORD = new RegExp("[\\p{L}\\p{N}_" + MARK_RANGES + "]+", "gu");
const MARKS = new RegExp("[" + MARK_RANGES + "]", "gu");
const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const SPELLED = {
  "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
  "ħ": "h", "Ħ": "H", "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
  "þ": "th", "Þ": "TH", "ẞ": "SS", "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "NG", "ə": "e",
  "Ə": "E", "ĸ": "q", "ƒ": "f", "Ƒ": "F", "ɨ": "i", "Ɨ": "I", "ƶ": "z", "Ƶ": "Z",
};
const SPELLED_LETTERS = new RegExp("[" + Object.keys(SPELLED).join("") + "]", "g");
const PAIR_MIX = 0x9E3779B1;
const QUOTES = /[\u201C\u201D\u201E\u201F\u00AB\u00BB]/g;

// --- text to terms (generator/search/text.py) -------------------------------------

export function fold(text) {
  return text.replace(SPELLED_LETTERS, (c) => SPELLED[c])
    .normalize("NFKD").replace(MARKS, "").toLowerCase();
}

// The English Snowball stemmer (generator/search/text.py: stem), with its "-ist"
// rule; stems are kept, since a query's words and every excerpt's are stemmed.
const STEMMER = new EnglishStemmer();
const STEMS = new Map();

function snowball(word) {
  return STEMMER.stemWord(word);
}

export function stem(form) {
  let stemmed = STEMS.get(form);
  if (stemmed === undefined) {
    stemmed = snowball(form);
    if (stemmed.endsWith("ist")) {
      const ism = stemmed.slice(0, -3) + "ism";
      const shorter = snowball(ism);
      if (shorter !== ism) stemmed = shorter;
    }
    STEMS.set(form, stemmed);
  }
  return stemmed;
}

export function form(word) {
  return fold(word).replace(NOT_ALNUM, "");
}

export function term(word) {
  const folded = form(word);
  return folded ? stem(folded) : "";
}

export function terms(text) {
  return (text.match(WORD) || []).map(term).filter(Boolean);
}

// --- terms to shards (generator/search/index.py) ----------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
const UTF8 = new TextEncoder();

export function crc32(text) {
  let crc = 0xFFFFFFFF;
  for (const byte of UTF8.encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >>> 8);
  return (crc ^ 0xFFFFFFFF) >>> 0;
}

export function shardOf(key, shards) {
  const space = key.indexOf(" ");
  if (space === -1) return crc32(key) % shards;
  const mixed = (crc32(key.slice(0, space)) ^ Math.imul(crc32(key.slice(space + 1)), PAIR_MIX)) >>> 0;
  return mixed % shards;
}

// --- the query ---------------------------------------------------------------------

// A query is groups of terms: each word alone, except that a quoted phrase, or a
// word that is several terms ("Lashkar-e-Toiba", "Mexico's"), is one group whose
// terms must stand together. A group of one term needs that term; a longer one,
// each pair of neighbours in it, which the index holds as terms of their own.
//
// The last word may still be being typed: if it is not a word of the archive, it
// is read as the start of one (up to COMPLETIONS of the commonest words it begins),
// unless it is quoted or followed by a space.
export function parseQuery(query) {
  const parts = query.replace(QUOTES, "\"").split("\"");
  const groups = [];
  let open = false; // the last group is a bare word the reader may still be typing
  parts.forEach((part, index) => {
    const quoted = index % 2 === 1 && index < parts.length - 1;
    const chunks = quoted ? [part] : part.split(/\s+/);
    chunks.forEach((chunk) => {
      const written = (chunk.match(WORD) || []).filter((word) => form(word));
      const found = written.map(term);
      if (!found.length) return;
      // A bare word keeps its form (the exact-form bonus, completion and
      // correction need it) and how it was written (for "Did you mean").
      if (found.length === 1 && !quoted) {
        found.form = form(written[0]);
        found.written = written[0];
      }
      groups.push(found);
      open = !quoted && found.length === 1;
    });
  });
  groups.open = open && /[\p{L}\p{N}]$/u.test(query);
  return groups;
}

const COMPLETIONS = 8;
// How much more an article scores, per word, for holding the very form the
// reader typed rather than only another form of its stem: a quarter of the
// largest BM25 impact (63), so it orders articles that match alike, and a
// headline match still outranks an exact form deep in the text.
const EXACT_BONUS = 16;
// A word that matches nothing is read as the commonest words of the archive
// within this many edits (1 for short words, 2 from 5 letters), up to CORRECTIONS.
const CORRECTIONS = 3;
// A word that matches at most FEW_MATCHES articles gets a "Did you mean" for a
// word within its edits that COMMONER times as many articles hold; its results
// stay its own.
const FEW_MATCHES = 3;
const COMMONER = 20;

// What a query needs, each a list of alternatives (usually one key): every key of
// every group, a pair of neighbours for each phrase.
function requirements(groups) {
  const needed = new Map();
  groups.forEach((group) => {
    if (group.length === 1 && !needed.has(group[0])) {
      needed.set(group[0], { key: group[0], form: group.form, written: group.written });
    }
    for (let i = 0; i + 1 < group.length; i++) {
      const key = group[i] + " " + group[i + 1];
      if (!needed.has(key)) needed.set(key, { key });
    }
  });
  const last = groups.length && groups[groups.length - 1];
  return [...needed.values()].map((need) => ({
    ...need,
    completable: Boolean(groups.open && last.length === 1 && last[0] === need.key),
  }));
}

// The pairs of neighbouring bare words of a query, which rank (not filter) the
// articles that hold them side by side. Only for a few words: each is a fetch.
const NEIGHBOUR_PAIRS = 3;
function neighbours(groups, needed) {
  const keys = new Set(needed.map((need) => need.key));
  const pairs = [];
  for (let i = 0; i + 1 < groups.length && pairs.length < NEIGHBOUR_PAIRS; i++) {
    if (groups[i].length !== 1 || groups[i + 1].length !== 1) continue;
    if (groups.open && i + 1 === groups.length - 1) continue; // still being typed
    const key = groups[i][0] + " " + groups[i + 1][0];
    if (!keys.has(key)) pairs.push(key);
  }
  return pairs;
}

// Edits between two words (optimal string alignment: a swap of neighbours is one
// edit), or limit + 1 once that is certain.
export function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// --- the index ---------------------------------------------------------------------

let bundle = null; // URL of search-index/
let data = null; // URL of search-index/v/<digest>/, named in meta.json
let baseUrl = "/";
let excerptWords = 30;
let meta = null;
const files = new Map(); // path -> Promise of its JSON, so a file is fetched once

export async function options(settings) {
  if (settings.bundlePath) bundle = new URL(settings.bundlePath, document.baseURI);
  if (settings.baseUrl) baseUrl = settings.baseUrl;
  if (settings.excerptLength) excerptWords = settings.excerptLength;
}

function load(path, base) {
  if (!files.has(path)) {
    const promise = fetch(new URL(path, base || data)).then((response) => {
      if (!response.ok) throw new Error("search index: " + path + ": HTTP " + response.status);
      return response.json();
    });
    promise.catch(() => files.delete(path)); // fetched again next time
    files.set(path, promise);
  }
  return files.get(path);
}

export async function init() {
  if (!bundle) bundle = new URL("../../search-index/", import.meta.url);
  if (!meta) {
    const found = await load("meta.json", bundle);
    if (found.version !== 5) throw new Error("search index: unknown format " + found.version);
    data = new URL(found.data, bundle);
    meta = found;
  }
}

async function postings(key) {
  const shard = shardOf(key, meta.shards);
  const entries = await load("t/" + shard + ".json");
  let entry = Object.prototype.hasOwnProperty.call(entries, key) ? entries[key] : null;
  if (entry && !Array.isArray(entry)) entry = await load("w/" + shard + "-" + entry.own + ".json");
  return entry;
}

// How many articles hold a key, from its shard alone: a common term's entry there
// is {own, articles}, its postings in a file of their own.
async function articlesOf(key) {
  const entries = await load("t/" + shardOf(key, meta.shards) + ".json");
  const entry = Object.prototype.hasOwnProperty.call(entries, key) ? entries[key] : null;
  if (!entry) return 0;
  return Array.isArray(entry) ? articleCount(entry) : entry.articles;
}

// Each posting of an entry, as visit(doc, impact, i): i is its place in the listed
// postings (the ones with impacts), -1 for a common term's other articles, which
// its own file lists without impacts (generator/search/index.py: _split_entry).
function eachPosting(entry, visit) {
  const [, gaps, impacts, , rest] = entry;
  let doc = 0;
  for (let i = 0; i < gaps.length; i++) {
    doc += gaps[i];
    visit(doc, impacts[i], i);
  }
  if (!rest) return;
  doc = 0;
  if (rest.docs) {
    for (let i = 0; i < rest.docs.length; i++) {
      doc += rest.docs[i];
      visit(doc, rest.impact, -1);
    }
    return;
  }
  const skip = new Uint8Array(meta.documents);
  for (let i = 0; i < gaps.length; i++) skip[(doc += gaps[i])] = 1;
  doc = 0;
  for (let i = 0; i < rest.not.length; i++) skip[(doc += rest.not[i])] = 1;
  for (let d = 0; d < meta.documents; d++) if (!skip[d]) visit(d, rest.impact, -1);
}

// How many articles hold an entry's term.
function articleCount(entry) {
  const rest = entry[4];
  if (!rest) return entry[1].length;
  if (rest.docs) return entry[1].length + rest.docs.length;
  return meta.documents - rest.not.length;
}

// The words of the archive spelt within an edit or two of a form, commonest
// first: from the vocabulary files of its first letter and of its length, one
// letter more or less, or two more (generator/search/index.py: vocabulary_key).
async function corrections(wrong) {
  const letters = Array.from(wrong);
  if (!meta.vocabulary || letters.length < 3 || !/^\p{L}+$/u.test(wrong)) return [];
  const limit = letters.length < 5 ? 1 : 2;
  // One letter fewer or more, or two more (a word whose typing stopped short).
  const lengths = [letters.length - 1, letters.length, letters.length + 1];
  if (limit > 1) lengths.push(letters.length + 2);
  const keys = lengths.map((length) => letters[0] + length);
  const files = await Promise.all(keys.map((key) => load("s/" + (crc32(key) % meta.vocabulary) + ".json")));
  const found = [];
  keys.forEach((key, i) => {
    const listed = files[i][key];
    if (!listed) return;
    listed.split(" ").forEach((word, rank) => {
      const distance = editDistance(wrong, word, limit);
      if (distance <= limit && word !== wrong) found.push({ word, distance, rank, begun: word.startsWith(wrong) });
    });
  });
  // Fewest edits first; among as few, a word the typed one begins (typing
  // stopped short: "lashk", "lashkar"), then the commonest.
  found.sort((a, b) => a.distance - b.distance || b.begun - a.begun || a.rank - b.rank);
  const best = found.length ? found[0].distance : 0;
  return found.filter((c) => c.distance === best).slice(0, CORRECTIONS).map((c) => c.word);
}

// The postings a requirement stands for: its key's; for a word being typed that
// the archive does not hold, the words it begins; for a word the archive does
// not hold at all, the words it is closest to ("corrected"). Null when none.
async function resolve(need) {
  const found = await postings(need.key);
  if (found) {
    const resolved = { lists: [found], words: [need.key], forms: [need.form] };
    if (need.form && articleCount(found) <= FEW_MATCHES) {
      resolved.suggested = await commoner(need.form, articleCount(found));
    }
    return resolved;
  }
  if (!need.form) return null;
  const letters = Array.from(need.form);
  if (need.completable && meta.prefixes && letters.length >= meta.prefix_length) {
    const prefix = letters.slice(0, meta.prefix_length).join("");
    const file = await load("p/" + (crc32(prefix) % meta.prefixes) + ".json");
    const begun = (file[prefix] || []).map((entry) => entry[0])
      .filter((word) => word.startsWith(need.form)).slice(0, COMPLETIONS);
    const stems = [...new Set(begun.map(stem))];
    const lists = (await Promise.all(stems.map(postings))).filter(Boolean);
    if (lists.length) return { lists, words: stems, forms: stems.map(() => null) };
  }
  const close = await corrections(need.form);
  const stems = [...new Set(close.map(stem))];
  const lists = (await Promise.all(stems.map(postings))).filter(Boolean);
  if (!lists.length) return null;
  return { lists, words: stems, forms: stems.map(() => null), corrected: close[0] };
}

// A word of the archive that few articles hold may be a misspelling of a much
// commoner word ("goverment", which an article or two misspell too): the
// commonest word within an edit or two that at least COMMONER times as many
// articles hold, or null. Costs its vocabulary files and that word's shard.
async function commoner(typed, count) {
  const close = await corrections(typed);
  for (const word of close) {
    if ((await articlesOf(stem(word))) >= COMMONER * Math.max(count, 1)) return word;
  }
  return null;
}

// The query with each corrected word written as the archive spells it, in the
// reader's capitals: "Corbin" -> "Corbyn".
function suggestionFor(query, needed, found) {
  let suggestion = query;
  let any = false;
  needed.forEach((need, r) => {
    const fix = found[r] && (found[r].corrected || found[r].suggested);
    if (!fix || !need.written) return;
    const capital = need.written[0] !== need.written[0].toLowerCase();
    const word = capital ? fix[0].toUpperCase() + fix.slice(1) : fix;
    suggestion = suggestion.replace(need.written, word);
    any = true;
  });
  return any ? suggestion : null;
}

// The facets' data comes in blocks of meta.facet_block articles (f/<n>.json):
// each block's values of each facet, and each article's.
function facetBlock(doc) {
  return Math.floor(doc / meta.facet_block);
}

async function loadBlocks(blocks) {
  const loaded = await Promise.all(blocks.map((b) => load("f/" + b + ".json")));
  const byBlock = new Map();
  blocks.forEach((b, i) => byBlock.set(b, loaded[i]));
  return byBlock;
}

// The values of a facet an article has, by name; null when its block is not loaded.
function valuesOf(blocks, name, doc) {
  const block = blocks.get(facetBlock(doc));
  if (!block) return null;
  const facet = block[name];
  const value = facet.docs[doc - facetBlock(doc) * meta.facet_block];
  if (value === -1) return [];
  return (typeof value === "number" ? [value] : value).map((v) => facet.values[v]);
}

// Facet -> Set of the values chosen (any of them), or null when nothing is.
function chosen(filters) {
  const wanted = {};
  let any = false;
  Object.keys(filters || {}).forEach((name) => {
    const list = filters[name] && (filters[name].any || [].concat(filters[name]));
    if (!list || !list.length) return;
    wanted[name] = new Set(list);
    any = true;
  });
  return any ? wanted : null;
}

function passes(blocks, wanted, doc) {
  for (const name in wanted) {
    if (!(valuesOf(blocks, name, doc) || []).some((v) => wanted[name].has(v))) return false;
  }
  return true;
}

// Each facet's values' counts among docs (those whose block is loaded).
function counts(blocks, docs) {
  const result = {};
  const names = blocks.size ? Object.keys(blocks.values().next().value) : [];
  names.forEach((name) => { result[name] = {}; });
  docs.forEach((doc) => {
    names.forEach((name) => {
      const named = result[name];
      (valuesOf(blocks, name, doc) || []).forEach((v) => { named[v] = (named[v] || 0) + 1; });
    });
  });
  return result;
}

// Every facet value's count over the whole archive, to browse by.
export async function filters() {
  await init();
  return load("f/all.json");
}

// Until a facet is chosen, a query counts facet values over its matches in at
// most this many blocks (those of its best results): what it fetches then stays
// bounded however large the archive (a block of 500 articles is about 2.5 kB
// compressed); response.counted says over how many of its matches.
const FACET_BLOCKS = 2;

export async function search(query, settings) {
  await init();
  settings = settings || {};
  const groups = query === null ? null : parseQuery(query);
  const highlight = new Set(groups ? groups.flat() : []);
  let docs;
  let scores = null;
  let suggestion = null;
  let corrected = false;
  let partial = null;
  if (groups === null) {
    docs = [];
    for (let doc = 0; doc < meta.documents; doc++) docs.push(doc);
  } else {
    const needed = requirements(groups);
    const nearby = neighbours(groups, needed);
    const [found, near] = await Promise.all([
      Promise.all(needed.map(resolve)),
      Promise.all(nearby.map(postings)),
    ]);
    // A corrected word's pairs are those of the word it was corrected to.
    const fixed = new Map();
    needed.forEach((need, r) => {
      if (found[r] && found[r].corrected) fixed.set(need.key, found[r].words[0]);
    });
    if (fixed.size) {
      const again = groups.map((group) => group.map((key) => fixed.get(key) || key));
      again.open = groups.open;
      const more = neighbours(again, needed).filter((key) => !nearby.includes(key));
      near.push(...(await Promise.all(more.map(postings))));
    }
    docs = [];
    if (needed.length && found.some(Boolean)) {
      suggestion = suggestionFor(query, needed, found);
      corrected = found.some((resolved) => resolved && resolved.corrected);
      // A document must meet every requirement; a requirement met by several of
      // its alternatives (words a prefix begins) counts once, scores for each.
      const met = new Uint16Array(meta.documents);
      const last = new Int32Array(meta.documents).fill(-1);
      scores = new Float64Array(meta.documents);
      found.forEach((resolved, r) => {
        if (!resolved) return;
        const { lists, words, forms } = resolved;
        words.forEach((word) => highlight.add(word));
        lists.forEach((entry, l) => {
          const [idf, gaps, , byForm] = entry;
          const from = new Uint32Array(gaps.length);
          eachPosting(entry, (doc, impact, i) => {
            if (i >= 0) from[i] = doc;
            if (last[doc] !== r) {
              last[doc] = r;
              met[doc]++;
            }
            scores[doc] += idf * impact;
          });
          // The articles that hold the form the reader typed, not only its stem.
          const exact = byForm && forms[l] && byForm[forms[l]];
          if (exact) {
            let at = 0;
            for (let i = 0; i < exact.length; i++) {
              at += exact[i];
              scores[from[at]] += idf * EXACT_BONUS;
            }
          }
        });
      });
      // Words typed next to each other that stand next to each other in an
      // article (the index holds each pair of neighbours): a headline remembered
      // as "recession cracks" finds "The recession cracks" first.
      near.forEach((entry) => {
        if (!entry) return;
        const idf = entry[0];
        eachPosting(entry, (doc, impact) => {
          scores[doc] += idf * impact;
        });
      });
      for (let doc = 0; doc < meta.documents; doc++) {
        if (met[doc] === needed.length) docs.push(doc);
      }
      // No article holds every word: rather than nothing, the articles that hold
      // the most of them (one misremembered word need not lose the article). Not
      // for a phrase: quoted words must stand together.
      if (!docs.length && needed.length > 1 && needed.every((need) => !need.key.includes(" "))) {
        const most = met.reduce((a, b) => Math.max(a, b), 0);
        if (most > 0) {
          partial = { matched: most, of: needed.length };
          for (let doc = 0; doc < meta.documents; doc++) {
            if (met[doc] === most) docs.push(doc);
          }
        }
      }
    }
  }
  const unfiltered = docs.length;
  const order = settings.sort && settings.sort.date;
  if (order === "asc") docs.sort((a, b) => a - b);
  else if (order === "desc" || !scores) docs.sort((a, b) => b - a);
  else docs.sort((a, b) => scores[b] - scores[a] || b - a);

  // A facet chosen: every match's block is needed, to keep the matches that have
  // a value chosen (and facets: "all" asks for them, for exact counts). Otherwise,
  // if counts are asked for (facets: true), the blocks of the best results, up to
  // FACET_BLOCKS.
  const wanted = chosen(settings.filters);
  let blocks = null;
  let counted = docs.length;
  if (wanted || settings.facets === "all") {
    blocks = await loadBlocks([...new Set(docs.map(facetBlock))].sort((a, b) => a - b));
    docs = docs.filter((doc) => passes(blocks, wanted, doc));
    counted = docs.length;
  } else if (settings.facets) {
    const best = [];
    for (let i = 0; i < docs.length && best.length < FACET_BLOCKS; i++) {
      const b = facetBlock(docs[i]);
      if (!best.includes(b)) best.push(b);
    }
    blocks = await loadBlocks(best.sort((a, b) => a - b));
    counted = docs.filter((doc) => blocks.has(facetBlock(doc))).length;
  }

  return {
    results: docs.map((doc) => ({
      id: String(doc),
      score: scores ? scores[doc] / 1000 : 0,
      data: () => record(doc, highlight),
    })),
    unfilteredResultCount: unfiltered,
    // Not Pagefind's: the query as corrected, when a word matched nothing and
    // the results are those of the words it is closest to (corrected: true), or
    // when a word matched few articles and a much commoner one is that close
    // (corrected: false, the results are the query's own).
    suggestion,
    corrected: Boolean(suggestion && corrected),
    // Not Pagefind's either: set when no article holds every word of the query
    // and the results hold the most of them, { matched, of }.
    partial,
    filters: blocks ? counts(blocks, docs) : {},
    // Not Pagefind's: how many of the results the facet counts are over (all of
    // them unless they span more than FACET_BLOCKS blocks and no facet is chosen).
    counted: blocks ? counted : 0,
  };
}

// --- a result -------------------------------------------------------------------

// Whether any of texts holds a word of the query.
function holds(texts, highlight) {
  return texts.some((text) => (text.match(WORD) || []).some((word) => highlight.has(term(word))));
}

// A record holds the article's first paragraphs; the rest of its text (item
// rec.more[1] of the block x/<rec.more[0]>.json, which packs the rests of a few
// consecutive articles) is fetched only when the query's words are in none of
// those nor in its headline, standfirst or writers: then the passage that holds
// them is further on.
async function record(doc, highlight) {
  const rec = await load("r/" + doc + ".json");
  let text = rec.text;
  const shown = [rec.title, rec.standfirst || ""].concat(rec.writers);
  if (rec.more && highlight.size && !holds(text, highlight) && !holds(shown, highlight)) {
    const block = await load("x/" + rec.more[0] + ".json");
    text = text.concat(block[rec.more[1]]);
  }
  return {
    url: baseUrl + rec.url,
    meta: { title: rec.title, date: rec.date || "", standfirst: rec.standfirst || "" },
    filters: { writer: rec.writers },
    excerpt: excerpt(text, highlight),
  };
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// The passage of excerptWords words with the most of the query's terms, as HTML:
// the text escaped, the matched words in <mark>. Without a match in the text (the
// query matched the headline), the opening words.
export function excerpt(paragraphs, highlight) {
  let best = null;
  paragraphs.forEach((text, index) => {
    const found = [...text.matchAll(WORD)];
    const hits = [];
    found.forEach((match, position) => {
      if (highlight.has(term(match[0]))) hits.push(position);
    });
    if (best === null) best = { index, found, start: 0, score: 0 };
    for (let i = 0; i < hits.length; i++) {
      let j = i;
      while (j < hits.length && hits[j] < hits[i] + excerptWords) j++;
      if (j - i > best.score) {
        const start = Math.max(0, Math.min(hits[i] - 3, found.length - excerptWords));
        best = { index, found, start, score: j - i };
      }
    }
  });
  if (best === null || !best.found.length) return "";
  const text = paragraphs[best.index];
  const words = best.found.slice(best.start, best.start + excerptWords);
  let html = "";
  words.forEach((match, i) => {
    if (i > 0) html += escapeHtml(text.slice(words[i - 1].index + words[i - 1][0].length, match.index));
    const word = escapeHtml(match[0]);
    html += highlight.has(term(match[0])) ? "<mark>" + word + "</mark>" : word;
  });
  return html;
}
