"""Timeline-summarisation metrics after ``tilse`` (Martschat and Markert 2017, "Improving ROUGE for Timeline Summarization").

A timeline maps a date to the sentences summarising that day. Three figures are offered, each a
:class:`PRF` (precision, recall, F1):

* :func:`date_f1` -- precision/recall/F1 of the *set* of dates (``tilse/evaluation/dates.py``,
  ``evaluate_dates``).
* :func:`alignment_rouge` -- tilse's ``align_date_content_costs_many_to_one`` metric ("align+ m:1"
  in the paper; ``TimelineRougeEvaluator.evaluate_align_date_content_costs_many_to_one``).
* :func:`concat_rouge` -- tilse's ``concat`` metric: plain ROUGE-N over all sentences of each
  timeline concatenated (in date order).

Which metric the literature reports
-----------------------------------
Ghalandari and Ifrim (2020), "Examining the State-of-the-Art in News Timeline Summarization"
(github complementizer/news-tls, ``experiments/evaluate.py``) fix
``metric = 'align_date_content_costs_many_to_one'`` and build
``rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])``; their AR1-F and AR2-F are the
F-scores of that metric for ROUGE-1 and ROUGE-2, and their Date-F1 is the F1 of the exact date
sets (their own ``evaluate_dates``, identical to tilse's). They score one reference timeline at a
time and macro-average precision and recall over timelines before taking F1; that averaging is
left to the caller here.

The alignment metric, exactly as tilse computes it (single reference timeline)
------------------------------------------------------------------------------
Dates are sorted. For *precision* every predicted date ``p`` is aligned to the reference date
``r`` minimising ``cost(p, r) = date_factor * content_factor`` (many-to-one: several predicted
dates may take the same reference date), where

* ``date_factor = 1 - 1 / (|p - r| in days + 1)``, and
* ``content_factor = 1 - F1`` of tilse's ``compute_rouge_approximation``: unigram F1 between
  the whitespace-split (``str.split()``, case and punctuation kept) tokens of the two days.

Ties go to the earliest reference date (``numpy.argmin`` takes the first minimum). Because the
two factors multiply, a same-day pair costs 0 whatever its content, and so does a pair with the
same bag of tokens at any distance. Then::

    precision = sum_p  h_n(p, r(p)) / (|p - r(p)| + 1)  /  sum_p  count_n(p)

with ``h_n`` the clipped n-gram matches between the two days' summaries and ``count_n`` the
number of n-grams of the predicted day. *Recall* is the same with the roles swapped: each
reference date ``r`` is aligned to its cheapest predicted date ``p(r)`` (the cost matrix is
built with reference dates as rows) and::

    recall = sum_r  h_n(p(r), r) / (|p(r) - r| + 1)  /  sum_r  count_n(r)

F1 is ``2PR / (P + R)``, 0 when ``P + R == 0``; a zero denominator gives 0.

ROUGE-N counting, as ROUGE-1.5.5 ``-m -s`` does it
--------------------------------------------------
tilse's default (``rouge_computation="original"``, the one news-tls used) runs the Perl
ROUGE-1.5.5 through its bundled ``pyrouge`` with ``-m -s -t 2 -f A``: stemming, stopword removal,
raw counts. Read from ``ROUGE-1.5.5.pl`` (``readText``, ``createNGram``, ``MorphStem``, ``stem``;
the copy at ``tests/ROUGE-1.5.5/ROUGE-1.5.5.pl`` in github Diego999/py-rouge), a summary is
counted in this order, and :func:`rouge_tokens` follows it:

1. each sentence is lower-cased (ASCII ``A-Z`` only) and a day's sentences are joined with
   spaces, in order, so bigrams cross sentence boundaries;
2. every ``-`` becomes a token of its own and every other character outside ASCII
   ``A-Za-z0-9`` a space (the script reads bytes, so a non-ASCII letter splits a word); the text
   is split on whitespace;
3. a token that is a line of the stopword file is dropped. The test is on the lower-cased,
   *unstemmed* token, before stemming: "knowing" is not on the list, so it stays and becomes
   ``know``, although "know" is on it;
4. a token not starting with ``[a-z0-9$]`` is dropped (this drops the ``-`` tokens);
5. (``-m``) a token longer than three characters is replaced by its WordNet 2.0 exception entry if
   it has one, otherwise by its Porter stem; tokens of one to three characters stay as they are
   ("bus" stays ``bus``, where the stemmer would give ``bu``).

N-grams are taken over what remains (a bigram may span a dropped stopword), and matches are
clipped (``min`` of the two counts). Here the tokens are the maximal runs of ASCII
``[A-Za-z0-9]``, lower-cased, which is steps 1, 2 and 4 at once ("U.S.-backed forces" gives
``u``, ``s``, ``backed``, ``forces``; ``u`` and ``s`` are then stopwords, as every single letter
is).

The stopword file, ``smart_common_words.txt`` (package data next to this module), is
ROUGE-1.5.5's ``data/smart_common_words.txt``: 598 lines, 596 distinct ("may" and "would" appear
twice). It is the 571-line SMART list without "first", "last" and "name", plus "reuters", "ap",
"tech", "news", "index", the month abbreviations "jan" to "dec", "mon" to "sat" (no "sun"),
"'s", "amid", "e.g.", "etc.", "i.e.", "mr." and "ms.". Lines with an apostrophe or a full stop can
never equal a token after step 2; they are kept so the file stays ROUGE's. It was taken from lines
1-598 of ``data/smart_common_words.txt`` in github profibadan/content-analyzer (commit ee421edb),
a copy of ROUGE's file that appends seven words of its own after the last line, "zero"; those
seven are left out. Cross-checks: ``data/smart_common_words.txt`` in github cdg720/emnlp13 has the
same lines except that it splits some contractions ("can't" -> "ca", "n't"), and
igorbrigadir/stopwords (``en_stopwords.csv``) records 598 words for
``tools/ROUGE-1.5.5/data/smart_common_words.txt`` of andersjo/pyrouge.

The stemmer in ROUGE-1.5.5.pl is Martin Porter's Perl implementation ("Release 1"), which has the
step-2 rules ``bli -> ble`` and ``logi -> log`` of his published code, not the paper's
``abli -> able``. That is NLTK's ``PorterStemmer.MARTIN_EXTENSIONS`` mode, used here, not
``ORIGINAL_ALGORITHM`` (which gives ``possibli``/``apologi`` for "possibly"/"apology" where the
script gives ``possibl``/``apolog``). Stems are cached.

What still differs from Perl ROUGE:

* step 4 of the script's stemmer carries a change by Chin-Yew Lin ("CYL: Modified 02/14/2004"):
  after the usual suffix list, which there lacks "ment" and "ent", "ment" and then "ent" are
  tried again on the result, so two suffixes can go. The script stems "statement" to
  ``statem``, "parliament" to ``parliam``, "agreement" to ``agreem``, "accidental" to ``accid``
  and "argument" to ``argum``, where NLTK keeps ``statement``, ``parliament``, ``agreement``,
  ``accident`` and ``argument``. Compared with a line-by-line Python port of the script's
  stemmer on some 320,000 distinct lower-case words (gathered from text files, many of them code
  identifiers), NLTK's ``MARTIN_EXTENSIONS`` differed only through this change, on 0.2 % of them;
* the WordNet 2.0 exception list (``WordNet-2.0.exc.db``), which maps irregular forms of more than
  three characters to their base form before any stemming (e.g. "children" -> ``child``), is not
  applied: such forms are Porter-stemmed instead, so they do not match their regular forms;
* only one reference timeline (tilse also accepts several and sums counts over them, formula
  "A"); empty timelines give zeros where tilse raises (``ZeroDivisionError`` in
  ``evaluate_dates``/``concat``, ``ValueError`` from ``argmin`` on an empty row in the
  many-to-one alignment). The zeros follow tilse's own rule for unaligned dates: their n-grams
  still count in the denominator and match nothing.

The content cost of the alignment is tilse's approximation, on whitespace tokens without
lower-casing, stemming or stopword removal, exactly as tilse computes it.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nltk.stem.porter import PorterStemmer

__all__ = [
    "PRF",
    "SMART_STOPWORDS",
    "Timeline",
    "align_many_to_one",
    "alignment_rouge",
    "concat_rouge",
    "date_f1",
    "rouge_tokens",
]

Timeline = Mapping[datetime.date, Sequence[str]]
"""A timeline: date -> the sentences summarising that date."""

_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _load_stopwords() -> frozenset[str]:
    # ROUGE-1.5.5 reads the file line by line and chomps each line; every line is a key.
    text = resources.files("triangulate.eval").joinpath("smart_common_words.txt").read_text(encoding="ascii")
    return frozenset(text.splitlines())


SMART_STOPWORDS: frozenset[str] = _load_stopwords()
"""ROUGE-1.5.5's stopword list (``smart_common_words.txt``), dropped from the tokens before stemming."""

_PORTER = PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)


@lru_cache(maxsize=1 << 18)
def _stem(token: str) -> str:
    stem: str = _PORTER.stem(token, to_lowercase=False)
    return stem


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 of one comparison."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> PRF:
        """Build from precision and recall; F1 is 0 when both are 0."""
        total = precision + recall
        return cls(precision, recall, 2 * precision * recall / total if total else 0.0)


def date_f1(predicted: Timeline, reference: Timeline) -> PRF:
    """Precision, recall and F1 of the predicted set of dates against the reference set."""
    pred, ref = set(predicted), set(reference)
    shared = len(pred & ref)
    return PRF.of(shared / len(pred) if pred else 0.0, shared / len(ref) if ref else 0.0)


def rouge_tokens(text: str) -> list[str]:
    """The tokens ROUGE-1.5.5 ``-m -s`` counts in ``text``.

    Lower-cased runs of ASCII letters and digits; those on :data:`SMART_STOPWORDS` are dropped,
    then those longer than three characters are Porter-stemmed ("The attacks killed" gives
    ``attack``, ``kill``). See the module docstring for the order and what differs from Perl.
    """
    tokens = []
    for run in _TOKEN.findall(text):
        token = run.lower()
        if token not in SMART_STOPWORDS:
            tokens.append(_stem(token) if len(token) > 3 else token)
    return tokens


def _ngrams(sentences: Iterable[str], n: int) -> Counter[tuple[str, ...]]:
    tokens = [t for s in sentences for t in rouge_tokens(s)]
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _hits(pred: Counter[tuple[str, ...]], ref: Counter[tuple[str, ...]]) -> int:
    return sum((pred & ref).values())


def _approx_rouge1_f1(pred: Sequence[str], ref: Sequence[str]) -> float:
    # tilse.evaluation.util.compute_rouge_approximation for one reference: raw whitespace tokens.
    pred_counts = Counter(t for s in pred for t in s.split())
    ref_counts = Counter(t for s in ref for t in s.split())
    match = sum((pred_counts & ref_counts).values())
    pred_total, ref_total = sum(pred_counts.values()), sum(ref_counts.values())
    precision = match / pred_total if pred_total else 0.0
    recall = match / ref_total if ref_total else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _days(a: datetime.date, b: datetime.date) -> int:
    return abs(a.toordinal() - b.toordinal())


def align_many_to_one(source: Timeline, target: Timeline) -> dict[datetime.date, datetime.date]:
    """Map every source date to its cheapest target date under tilse's date-times-content cost.

    ``cost = (1 - 1 / (days + 1)) * (1 - approximate ROUGE-1 F1)``; ties go to the earliest target
    date. The cost is symmetric, so ``align_many_to_one(predicted, reference)`` is the alignment
    for precision and ``align_many_to_one(reference, predicted)`` the one for recall. Empty when
    ``target`` is empty.
    """
    targets = sorted(target)
    alignment: dict[datetime.date, datetime.date] = {}
    if not targets:
        return alignment
    for s in sorted(source):
        best, best_cost = targets[0], float("inf")
        for t in targets:
            cost = (1 - 1 / (_days(s, t) + 1)) * (1 - _approx_rouge1_f1(source[s], target[t]))
            if cost < best_cost:
                best, best_cost = t, cost
        alignment[s] = best
    return alignment


def _check_n(n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")


def _aligned_hits(
    source: Mapping[datetime.date, Counter[tuple[str, ...]]],
    target: Mapping[datetime.date, Counter[tuple[str, ...]]],
    alignment: Mapping[datetime.date, datetime.date],
) -> tuple[float, float]:
    """Distance-discounted matches of each source day with its aligned target day, and the source's n-gram count.

    Precision and recall are this same sum in the two directions (clipped matches are symmetric).
    """
    num = den = 0.0
    for d in sorted(source):
        t = alignment.get(d)
        if t is not None:
            num += _hits(source[d], target[t]) / (_days(d, t) + 1)
        den += sum(source[d].values())
    return num, den


def alignment_rouge(predicted: Timeline, reference: Timeline, *, n: int) -> PRF:
    """ROUGE-N of tilse's ``align_date_content_costs_many_to_one`` ("align+ m:1") metric.

    Matches between aligned days are discounted by ``1 / (days apart + 1)``; see the module
    docstring for the exact formulas. ``n=1`` gives AR1, ``n=2`` AR2.
    """
    _check_n(n)
    pred_grams = {d: _ngrams(predicted[d], n) for d in predicted}
    ref_grams = {d: _ngrams(reference[d], n) for d in reference}

    p_num, p_den = _aligned_hits(pred_grams, ref_grams, align_many_to_one(predicted, reference))
    r_num, r_den = _aligned_hits(ref_grams, pred_grams, align_many_to_one(reference, predicted))
    return PRF.of(p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0)


def concat_rouge(predicted: Timeline, reference: Timeline, *, n: int) -> PRF:
    """ROUGE-N of tilse's ``concat`` metric: every sentence of each timeline, in date order, as one summary."""
    _check_n(n)
    pred = _ngrams((s for d in sorted(predicted) for s in predicted[d]), n)
    ref = _ngrams((s for d in sorted(reference) for s in reference[d]), n)
    hits, pred_total, ref_total = _hits(pred, ref), sum(pred.values()), sum(ref.values())
    return PRF.of(hits / pred_total if pred_total else 0.0, hits / ref_total if ref_total else 0.0)
