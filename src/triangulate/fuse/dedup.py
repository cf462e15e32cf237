"""Copies of one report: exact copies, near-duplicates, rewrites and credited reprints.

Ten outlets running one wire story are one report, not ten witnesses. :func:`copy_groups`
puts every document in a group of copies of one report and says how it is related to the
group's original (:class:`Copy`); :func:`independent_sources` counts the groups behind a
set of documents.

How a document's text is compared:

* its cleaned text is reduced to lower-case words by sentence (a regex tokenizer:
  punctuation, quotes and spacing are ignored), and the words to the set of word n-grams
  ("shingles", 5 words by default) inside each sentence, so that reordering paragraphs
  does not change it. Each word is hashed once with BLAKE2b and the n-grams by a rolling
  hash of those: 64-bit integers, the same on every run (never Python's ``hash()``);
* the same words in the same order are an *exact* copy (one hash of the word sequence; no
  sketch needed);
* candidate pairs come from a MinHash sketch of each shingle set (datasketch, fixed seed)
  in a banded LSH index, so documents are never compared all against all; every candidate
  is then *verified* on the exact shingle sets, so the sketch decides only which pairs are
  looked at, never whether a pair is accepted;
* a pair whose Jaccard similarity is at least ``threshold`` is a *near-duplicate*; a pair
  where at least ``rewrite_threshold`` of the shorter text's shingles are in the other
  (containment) is a *rewrite* of the same story: an outlet that took half the sentences
  of a wire report and added its own;
* a document that says it is a reprint (``syndicated_from``, from the "first published
  by" notice cleaning removed) is *syndicated*: it is grouped, like any text, with the
  outlet's own copy when that shares its content, or with other reprints of the same
  report when the outlet's own copy is not in the corpus, and it is a syndicated reprint
  (credited) rather than a copy whatever the overlap.

Groups are the connected components of the accepted pairs, with one exception: a text
that is mostly inside a longer one without the longer being mostly the shorter (an
excerpt, a brief, a statement quoted in full) joins the group of one of its containers
only (the outlet it credits, else the one holding the largest share of it), so that a
block many reports quote does not merge them into one. The group's original is the
earliest published member that credits no other outlet (undated documents last; ties:
the longest text, then the id); the result does not depend on input order.

Documents with fewer than :data:`MIN_SHINGLES` shingles (about two sentences) are only
grouped as exact copies: two short texts sharing a stock sentence ("The ministry did not
respond to a request for comment.") are not evidence of one report.

Limits: LSH finds a pair with probability 1 - (1 - J²)⁶⁴ (see :data:`BAND_ROWS`), so an
excerpt of a text five or more times its length (Jaccard 0.1 or less) is found about half
the time; and connected components can chain: A rewrites B, B rewrites C puts A with C.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from ..model import Document

__all__ = ["Copy", "copy_groups", "independent_sources"]

# Jaccard of 5-word shingles at or above which two texts are one report with light edits.
# Each changed word spoils up to 5 shingles: one change in 40 words (a corrected figure,
# "told" for "said", a retitled paragraph) leaves a Jaccard near 0.78, one in 20 near 0.6
# (still caught below, as a rewrite). Different stories stay far lower even on one event:
# of Timeline17's 1,340 real articles (five topics), the three pairs at 0.7 or more are a
# page stored twice, a column republished a week later, and an update that reuses most of
# the earlier story; rolling updates with new reporting sit between 0.2 and 0.5.
THRESHOLD = 0.7
# Containment (shared shingles / shingles of the shorter text) at or above which one text
# is a rewrite of the other: half of it appears verbatim, sentence by sentence, in the
# other. Timeline17's rolling updates (one outlet's later version of a story, with new
# paragraphs on top of reused background) run from 0.35 to 0.6; at 0.5 the reuse must be
# the bulk of the shorter text, not its background paragraphs.
REWRITE_THRESHOLD = 0.5
# Fewer shingles than this (a sentence or two) is too little evidence for anything but an
# exact copy: two briefs sharing one stock sentence are not one report.
MIN_SHINGLES = 20
# The MinHash permutations' seed: fixed, so the candidate pairs are the same on every run.
SEED = 20240116
# LSH banding: 64 bands of 2 rows of the 128 MinHash values. A pair becomes a candidate
# with probability 1 - (1 - J²)⁶⁴: 0.999 at Jaccard 0.33 (two equally long texts sharing
# half their shingles, the rewrite threshold), 0.93 at 0.2 (a rewrite twice as long as its
# source), 0.47 at 0.1 (an excerpt of a text five times its length), 0.6% at 0.01
# (different articles on one topic); a pair at THRESHOLD is missed with probability 2e-19.
# On Timeline17 that gives 271 candidates for 1,340 articles; 3 rows per band would find
# only 79% of the pairs at Jaccard 0.33.
BAND_ROWS = 2

# Cost, measured on the 2-core development machine (throwaway script, not in the repo):
# synthetic corpora of sentences sampled from Timeline17 and the Iran-Pakistan examples,
# 585 words a document, 30% of them exact copies, near-duplicates, rewrites or credited
# reprints of the others: 10,000 documents in 7.0 s, 20,000 in 14.9 s (linear: 0.7 ms a
# document, about half of it tokenizing and shingling, half MinHash and LSH; verifying
# the candidates is under 5%); the 1,340 real Timeline17 articles in 1.2 s.

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# where a sentence ends: final punctuation (and closing quotes or brackets) before a space, or a line break
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier of the rolling shingle hash
_LOW32 = np.uint64(0xFFFFFFFF)
_KINDS = ("exact", "near-duplicate", "rewrite")  # strongest first

_U64 = npt.NDArray[np.uint64]


class _Link(NamedTuple):
    """A verified pair, seen from one of its documents."""

    other: str
    kind: str  # "exact", "near-duplicate" or "rewrite"
    value: float  # the figure that decided it: Jaccard for a near-duplicate, containment for a rewrite
    jaccard: float
    contained: bool  # this document is the shorter one, mostly inside ``other``


@dataclass(frozen=True, slots=True)
class Copy:
    """One document's place among copies: the group's original and how it relates to it."""

    doc: str  # the document id
    group: str  # the id of the group's original; == doc for an original or a singleton
    relation: str  # "original", "exact", "near-duplicate", "rewrite", "syndicated"
    similarity: float  # Jaccard of word shingles with the group's original (1.0 for the original and exact copies)
    reason: str  # in plain words, why it is in this group

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain data."""
        return asdict(self)


def independent_sources(copies: Mapping[str, Copy], doc_ids: Iterable[str]) -> int:
    """How many independent reports the given documents are (copies of one report count once)."""
    return len({c.group if (c := copies.get(d)) is not None else d for d in doc_ids})


def copy_groups(
    docs: Sequence[Document],
    *,
    threshold: float = THRESHOLD,
    rewrite_threshold: float = REWRITE_THRESHOLD,
    shingle: int = 5,
    num_perm: int = 128,
) -> dict[str, Copy]:
    """One Copy per document: which independent report it belongs to."""
    if not (0 < threshold <= 1 and 0 < rewrite_threshold <= 1):
        raise ValueError("threshold and rewrite_threshold must be in (0, 1]")
    if shingle < 1 or num_perm < 2 * BAND_ROWS:
        raise ValueError(f"shingle must be at least 1 and num_perm at least {2 * BAND_ROWS}")
    by_id: dict[str, Document] = {}
    for d in sorted(docs, key=lambda d: (d.id, d.text)):
        by_id.setdefault(d.id, d)  # one record per id (ids are content hashes)
    ids = sorted(by_id)
    vocab: dict[str, int] = {}
    exact_key: dict[str, str] = {}
    shingles: dict[str, _U64] = {}
    for i in ids:
        sentences = _sentences(by_id[i].text, shingle)
        if sentences:
            words = " ".join(" ".join(s) for s in sentences)
            exact_key[i] = hashlib.blake2b(words.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        shingles[i] = _shingles(sentences, shingle, vocab)

    # exact copies: one class per normalised text; only its first member (its head) is compared further
    classes: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        if i in exact_key:
            classes[exact_key[i]].append(i)
    head = {i: members[0] for members in classes.values() for i in members}
    heads = [m[0] for m in classes.values() if len(shingles[m[0]]) >= MIN_SHINGLES]

    # candidate pairs of heads from MinHash LSH, each verified on the exact shingle sets
    links: dict[str, list[_Link]] = defaultdict(list)
    parent = {i: i for i in ids}
    for i, h in head.items():
        _union(parent, i, h)
    inside: dict[str, list[str]] = defaultdict(list)  # a head -> the longer heads it is mostly inside
    for a, b in _candidates(heads, shingles, num_perm):
        sa, sb = shingles[a], shingles[b]
        inter = _overlap(sa, sb)
        jaccard = inter / (len(sa) + len(sb) - inter)
        small, large = (a, b) if (len(sa), a) < (len(sb), b) else (b, a)
        contained = inter / len(shingles[small])
        if jaccard >= threshold:
            kind, value = "near-duplicate", jaccard
        elif contained >= rewrite_threshold:
            kind, value = "rewrite", contained
        else:
            continue
        links[small].append(_Link(large, kind, value, jaccard, True))
        links[large].append(_Link(small, kind, value, jaccard, False))
        if jaccard >= threshold or inter / len(shingles[large]) >= rewrite_threshold:
            _union(parent, a, b)  # each text is mostly the other: one story
        else:
            inside[small].append(large)

    # a text mostly inside longer ones (an excerpt, a brief, or a boilerplate block many
    # pages carry) joins the group of one of them: the one it credits, else the one holding
    # most of it. Joining all would merge unrelated reports that merely quote the same block.
    roots = {i: _find(parent, i) for i in ids}  # the groups before any excerpt joins one
    for small in sorted(inside):
        credited = _credits(by_id[small])
        best = min(
            (link for link in links[small] if link.other in inside[small]),
            key=lambda k: (not _is_outlet(by_id[k.other], credited), -k.value, -k.jaccard, roots[k.other]),
        )
        _union(parent, small, best.other)

    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[_find(parent, i)].append(i)
    outlets = {_source_key(d.outlet) for d in by_id.values() if d.outlet}
    out: dict[str, Copy] = {}
    for members in groups.values():
        rep = min(members, key=lambda i: _rank(by_id[i]))
        group = set(members)
        for i in members:
            doc = by_id[i]
            if i == rep:
                out[i] = _original(doc, len(members), shingles[i], i in exact_key, shingle)
                continue
            evidence = [_Link(o, "exact", 1.0, 1.0, False) for o in classes[exact_key[i]] if o != i] if i in exact_key else []
            evidence += [k for k in links.get(head.get(i, i), []) if k.other in group]
            credited = _credits(doc)
            best = min(
                evidence,
                key=lambda k: (not _is_outlet(by_id[k.other], credited), _KINDS.index(k.kind), k.other != rep, -k.value, k.other),
            )
            if exact_key.get(i) is not None and exact_key.get(i) == exact_key.get(rep):
                similarity = 1.0
            else:
                similarity = round(_jaccard(shingles[i], shingles[rep]), 3)
            out[i] = _member(doc, rep, best, similarity, by_id, members, outlets, shingle)
    return {i: out[i] for i in ids}


# -- text to shingles ----------------------------------------------------------------------


def _sentences(text: str, n: int) -> list[list[str]]:
    """The text's words by sentence, lower-cased, punctuation and spacing ignored.

    A piece shorter than ``n`` words (an abbreviation's full stop, a one-line heading) is
    joined to the next, so that every sentence yields at least one n-gram.
    """
    out: list[list[str]] = []
    carry: list[str] = []
    for piece in _SENTENCE_END.split(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()):
        carry += _WORD.findall(piece)
        if len(carry) >= n:
            out.append(carry)
            carry = []
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _shingles(sentences: list[list[str]], n: int, vocab: dict[str, int]) -> _U64:
    """The sorted, distinct 64-bit hashes of the word n-grams within the text's sentences."""
    words = [w for s in sentences for w in s]
    count = len(words) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    for w in set(words).difference(vocab):
        vocab[w] = _word_hash(w)
    hashed = np.fromiter(map(vocab.__getitem__, words), dtype=np.uint64, count=len(words))
    # a polynomial rolling hash of the n word hashes (wraps modulo 2⁶⁴): order-sensitive
    h = hashed[:count].copy()
    for k in range(1, n):
        h = h * _MUL + hashed[k : k + count]
    # keep the n-grams that start and end in one sentence
    sentence = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
    return np.unique(h[sentence[:count] == sentence[n - 1 :]])


def _overlap(a: _U64, b: _U64) -> int:
    """How many values two sorted, distinct arrays share."""
    if len(a) > len(b):
        a, b = b, a
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


# -- candidate pairs -----------------------------------------------------------------------


def _as_is(value: int) -> int:
    return value


def _candidates(keys: Sequence[str], shingles: Mapping[str, _U64], num_perm: int) -> list[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, whose MinHash sketches collide in at least one LSH band."""
    if len(keys) < 2:
        return []
    lsh = MinHashLSH(num_perm=num_perm, params=(num_perm // BAND_ROWS, BAND_ROWS))
    empty = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_as_is)  # the permutations, drawn once
    sketches: dict[str, MinHash] = {}
    for k in keys:
        m = empty.copy()
        # the low 32 bits of each shingle hash: what datasketch's 32-bit permutations take
        m.update_batch((shingles[k] & _LOW32).tolist())
        sketches[k] = m
        lsh.insert(k, m, check_duplication=False)
    pairs: set[tuple[str, str]] = set()
    for k in keys:
        for other in lsh.query(sketches[k]):
            if other > k:
                pairs.add((k, other))
    return sorted(pairs)


# -- groups --------------------------------------------------------------------------------


def _find(parent: dict[str, str], i: str) -> str:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def _union(parent: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _source_key(name: str) -> str:
    """An outlet's name compared loosely: case, a leading "the" and punctuation ignored."""
    s = re.sub(r"^the\s+", "", unicodedata.normalize("NFKC", name).casefold().strip())
    return re.sub(r"[^\w]+", " ", s).strip()


def _credits(doc: Document) -> str | None:
    """The outlet a document says it reprints, if not its own."""
    if not doc.syndicated_from or not _source_key(doc.syndicated_from):
        return None
    if doc.outlet and _source_key(doc.outlet) == _source_key(doc.syndicated_from):
        return None
    return doc.syndicated_from.strip()


def _rank(doc: Document) -> tuple[bool, bool, str, int, str]:
    """Sort key of a group's possible originals: not a reprint, earliest, longest, by id."""
    return (_credits(doc) is not None, doc.published is None, doc.published or "", -len(doc.text), doc.id)


def _jaccard(a: _U64, b: _U64) -> float:
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = _overlap(a, b)
    return inter / (len(a) + len(b) - inter)


def _percent(share: float) -> str:
    return f"{int(share * 100 + 1e-9)}%"  # rounded down: 99.6% shared is not "100%"


def _is_outlet(doc: Document, name: str | None) -> bool:
    return bool(name and doc.outlet and _source_key(doc.outlet) == _source_key(name))


def _original(doc: Document, size: int, shingles: _U64, has_text: bool, n: int) -> Copy:
    """The copy record of a group's original (or of a document with no copies)."""
    credited = _credits(doc)
    others = f"{size - 1} other document{'s' if size > 2 else ''}"
    if size > 1 and credited:
        why = f"the earliest published of the {size} documents carrying this report ({others} copy, rewrite or reprint it)"
    elif size > 1:
        why = f"the original of this report ({others} copy, rewrite or reprint it): the earliest published that credits no other outlet"
    elif not has_text:
        why = "no text to compare"
    elif len(shingles) < MIN_SHINGLES:
        why = f"too short to compare: {len(shingles)} shingles of {n} words, fewer than {MIN_SHINGLES}; only exact copies are grouped"
    else:
        why = "no other document shares its text"
    if credited:
        return Copy(doc.id, doc.id, "syndicated", 1.0, f"reprint of {credited} (says so in the text); {why}")
    return Copy(doc.id, doc.id, "original", 1.0, why)


def _member(
    doc: Document,
    rep: str,
    link: _Link,
    similarity: float,
    by_id: Mapping[str, Document],
    members: Sequence[str],
    outlets: set[str],
    n: int,
) -> Copy:
    """The copy record of a group member other than its original, from its strongest link."""
    other = link.other
    if link.kind == "exact":
        evidence = f"same text as {other} (exact copy)"
    elif link.kind == "near-duplicate":
        evidence = f"{_percent(link.value)} of its {n}-word shingles shared with {other} (near-duplicate)"
    elif link.contained:
        evidence = f"{_percent(link.value)} of its {n}-word shingles appear in {other} (rewrite)"
    else:
        evidence = f"contains {_percent(link.value)} of the {n}-word shingles of {other} (rewrite)"
    if link.other != rep:
        evidence += f", grouped with the original {rep}"
    credited = _credits(doc)
    if credited is None:
        return Copy(doc.id, rep, link.kind, similarity, evidence)
    if not any(_is_outlet(by_id[m], credited) for m in members):
        if _source_key(credited) in outlets:
            evidence += f"; no {credited} document in the corpus has this report"
        else:
            evidence += f"; {credited}'s own copy is not in the corpus"
    return Copy(doc.id, rep, "syndicated", similarity, f"reprint of {credited} (says so in the text); {evidence}")
