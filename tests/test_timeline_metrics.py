"""Timeline metrics (tilse's date F1, align+ m:1 ROUGE and concat ROUGE) on hand-worked examples.

ROUGE counts as ROUGE-1.5.5 ``-m -s``: SMART stopwords dropped, words of more than three letters
Porter-stemmed. The stems used below (rebels → rebel, seized → seiz, city → citi, army → armi, ...)
are worked by hand; test_stems_used_in_the_hand_worked_examples checks them.
The alignment's content cost still uses raw whitespace tokens, stopwords included.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from triangulate.eval.timeline import (
    PRF,
    SMART_STOPWORDS,
    align_many_to_one,
    alignment_rouge,
    concat_rouge,
    date_f1,
    rouge_tokens,
)


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-12, abs=1e-12)


def assert_prf(got: PRF, precision: float, recall: float, f1: float) -> None:
    assert got.precision == approx(precision)
    assert got.recall == approx(recall)
    assert got.f1 == approx(f1)


D = date


def test_identical_timelines_score_one_everywhere() -> None:
    tl = {
        D(2024, 1, 16): ["Iran struck targets in Pakistan.", "Pakistan recalled its ambassador."],
        D(2024, 1, 18): ["Pakistan struck militant hideouts inside Iran."],
    }
    assert_prf(date_f1(tl, tl), 1, 1, 1)  # 2 shared dates of 2 predicted / 2 reference
    for n in (1, 2):
        # every day aligns to itself (cost 0, weight 1/(0+1) = 1), all n-grams match
        assert_prf(alignment_rouge(tl, tl, n=n), 1, 1, 1)
        assert_prf(concat_rouge(tl, tl, n=n), 1, 1, 1)


def test_disjoint_dates_two_days_apart() -> None:
    ref = {D(2024, 1, 10): ["rebels seized the airport"]}
    pred = {D(2024, 1, 12): ["rebels seized the city airport"]}
    assert_prf(date_f1(pred, ref), 0, 0, 0)  # no date in common
    assert align_many_to_one(pred, ref) == {D(2024, 1, 12): D(2024, 1, 10)}  # the only reference date
    # "the" is a stopword: ref rebel seiz airport (3 tokens), pred rebel seiz citi airport (4)
    # 3 matched unigrams (rebel seiz airport), 2 days apart → weight 1/(2+1) = 1/3 → 3·(1/3) = 1
    # precision: 1 / 4 predicted unigrams = 1/4
    # recall:    1 / 3 reference unigrams = 1/3
    # F1: 2·(1/4)(1/3) / (1/4 + 1/3) = (1/6)/(7/12) = 2/7
    assert_prf(alignment_rouge(pred, ref, n=1), 1 / 4, 1 / 3, 2 / 7)
    # bigrams over the kept tokens: pred (rebel seiz)(seiz citi)(citi airport) = 3, ref (rebel seiz)(seiz airport) = 2
    # 1 matched · 1/3 → precision (1/3)/3 = 1/9, recall (1/3)/2 = 1/6, F1 = 2·(1/9)(1/6)/(1/9+1/6) = (1/27)/(5/18) = 2/15
    assert_prf(alignment_rouge(pred, ref, n=2), 1 / 9, 1 / 6, 2 / 15)


def test_one_day_shift_of_one_of_two_dates() -> None:
    ref = {D(2024, 1, 1): ["army entered the town"], D(2024, 1, 5): ["talks resumed in geneva"]}
    pred = {D(2024, 1, 1): ["army entered the town"], D(2024, 1, 6): ["talks resumed in geneva"]}
    # 1 shared date (Jan 1) of 2 predicted and 2 reference → P = R = F1 = 1/2
    assert_prf(date_f1(pred, ref), 1 / 2, 1 / 2, 1 / 2)
    # Jan 1 → Jan 1: date factor 0 → cost 0. Jan 6 → Jan 1: (1 - 1/6)·(1 - 0) = 5/6; Jan 6 → Jan 5: (1 - 1/2)·(1 - 1) = 0
    assert align_many_to_one(pred, ref) == {D(2024, 1, 1): D(2024, 1, 1), D(2024, 1, 6): D(2024, 1, 5)}
    assert align_many_to_one(ref, pred) == {D(2024, 1, 1): D(2024, 1, 1), D(2024, 1, 5): D(2024, 1, 6)}
    # tokens per day: armi enter town / talk resum geneva ("the", "in" are stopwords) = 3 each
    # unigrams: (3·1 + 3·1/2) / (3 + 3) = 4.5/6 = 3/4 both ways
    assert_prf(alignment_rouge(pred, ref, n=1), 3 / 4, 3 / 4, 3 / 4)
    # bigrams: 2 per day; (2·1 + 2·1/2) / (2 + 2) = 3/4 both ways
    assert_prf(alignment_rouge(pred, ref, n=2), 3 / 4, 3 / 4, 3 / 4)


def test_shift_with_partial_content_and_concat_sanity() -> None:
    ref = {D(2024, 3, 1): ["troops crossed the border"], D(2024, 3, 3): ["ceasefire announced in the capital"]}
    pred = {D(2024, 3, 2): ["troops crossed the border"], D(2024, 3, 4): ["ceasefire announced"]}
    assert_prf(date_f1(pred, ref), 0, 0, 0)
    # alignment cost (raw whitespace tokens, stopwords kept):
    # precision side: Mar 2 → Mar 1 cost (1/2)·(1-1) = 0; → Mar 3 cost (1/2)·(1 - 2/9) = 7/18 ("the": p 1/4, r 1/5, F1 2/9)
    #                 Mar 4 → Mar 1 cost (3/4)·1 = 3/4; → Mar 3 cost (1/2)·(1 - 4/7) = 3/14 (p 2/2, r 2/5, F1 4/7)
    assert align_many_to_one(pred, ref) == {D(2024, 3, 2): D(2024, 3, 1), D(2024, 3, 4): D(2024, 3, 3)}
    # recall side: Mar 1 → Mar 2 (0 < 3/4); Mar 3 → Mar 4 (3/14 < 7/18)
    assert align_many_to_one(ref, pred) == {D(2024, 3, 1): D(2024, 3, 2), D(2024, 3, 3): D(2024, 3, 4)}
    # ROUGE tokens: troop cross border (3 per "troops" day); ref Mar 3 ceasefir announc capit (3), pred Mar 4 ceasefir announc (2)
    # precision: (3 matched · 1/2 + 2 matched · 1/2) / (3 + 2 predicted) = (5/2)/5 = 1/2
    # recall:    (3 · 1/2 + 2 · 1/2) / (3 + 3 reference) = (5/2)/6 = 5/12
    # F1: 2·(1/2)(5/12) / (1/2 + 5/12) = (5/12)/(11/12) = 5/11
    assert_prf(alignment_rouge(pred, ref, n=1), 1 / 2, 5 / 12, 5 / 11)
    # concat ignores dates: pred troop cross border ceasefir announc (5),
    # ref troop cross border ceasefir announc capit (6); hits 5
    # P = 5/5, R = 5/6, F1 = 2·(5/6)/(11/6) = 10/11
    assert_prf(concat_rouge(pred, ref, n=1), 1, 5 / 6, 10 / 11)


def test_many_to_one_alignment() -> None:
    ref = {D(2024, 2, 10): ["airstrikes hit the port city"], D(2024, 2, 20): ["parliament approved the budget"]}
    pred = {D(2024, 2, 10): ["airstrikes hit the port"], D(2024, 2, 12): ["the port city burned"]}
    # alignment cost (raw whitespace tokens, stopwords kept):
    # Feb 10 → Feb 10: same day → cost 0.
    # Feb 12 → Feb 10: (1 - 1/3)·(1 - F1) with overlap the/port/city: p 3/4, r 3/5, F1 2/3 → (2/3)(1/3) = 2/9
    # Feb 12 → Feb 20: (1 - 1/9)·(1 - F1) with overlap "the": p 1/4, r 1/4, F1 1/4 → (8/9)(3/4) = 2/3
    # so both predicted dates take Feb 10: many-to-one.
    assert align_many_to_one(pred, ref) == {D(2024, 2, 10): D(2024, 2, 10), D(2024, 2, 12): D(2024, 2, 10)}
    # recall side: ref Feb 10 → pred Feb 10 (cost 0);
    # ref Feb 20 → pred Feb 10: (1 - 1/11)(1 - 1/4) = 15/22 ≈ 0.682, → pred Feb 12: (1 - 1/9)(1 - 1/4) = 2/3 → Feb 12
    assert align_many_to_one(ref, pred) == {D(2024, 2, 10): D(2024, 2, 10), D(2024, 2, 20): D(2024, 2, 12)}
    # ROUGE tokens ("the" dropped; "hit" has 3 letters, so it is not stemmed):
    #   ref Feb 10 airstrik hit port citi (4), ref Feb 20 parliament approv budget (3)
    #   pred Feb 10 airstrik hit port (3), pred Feb 12 port citi burn (3)
    # precision: Feb 10: 3 hits · 1; Feb 12: 2 hits (port citi) · 1/3 → (3 + 2/3) / (3 + 3) = (11/3)/6 = 11/18
    # recall: ref Feb 10: 3 hits · 1; ref Feb 20 vs pred Feb 12: 0 hits → 3 / (4 + 3) = 3/7
    # F1: 2·(11/18)(3/7) / (11/18 + 3/7) = (66/126) / (131/126) = 66/131
    assert_prf(alignment_rouge(pred, ref, n=1), 11 / 18, 3 / 7, 66 / 131)
    assert_prf(date_f1(pred, ref), 1 / 2, 1 / 2, 1 / 2)  # Feb 10 shared, 1 of 2 each way


def test_rouge2_with_known_bigram_overlap() -> None:
    ref = {D(2024, 4, 1): ["the army shelled the northern villages"]}
    pred = {D(2024, 4, 1): ["the army shelled villages", "northern villages burned"]}
    # pred tokens, sentences joined, "the" dropped: armi shell villag northern villag burn → 5 bigrams
    #   (armi shell)(shell villag)(villag northern)(northern villag)(villag burn)
    #   — "villag northern" crosses the sentence boundary, as in ROUGE-1.5.5
    # ref: armi shell northern villag → (armi shell)(shell northern)(northern villag) = 3 bigrams
    #   — "shell northern" spans the dropped "the", as in ROUGE-1.5.5
    # hits: armi shell, northern villag = 2; same day → weight 1
    # P = 2/5, R = 2/3, F1 = 2·(2/5)(2/3)/(2/5 + 2/3) = (8/15)/(16/15) = 1/2
    assert_prf(alignment_rouge(pred, ref, n=2), 2 / 5, 2 / 3, 1 / 2)
    assert_prf(concat_rouge(pred, ref, n=2), 2 / 5, 2 / 3, 1 / 2)  # one date each, so concat is the same
    # unigrams: pred armi shell villag×2 northern burn = 6, ref armi shell northern villag = 4
    # hits: armi 1 + shell 1 + villag min(2,1) + northern 1 = 4 → P 4/6 = 2/3, R 4/4 = 1, F1 2·(2/3)/(5/3) = 4/5
    assert_prf(alignment_rouge(pred, ref, n=1), 2 / 3, 1, 4 / 5)


def test_zero_cost_tie_goes_to_earliest_reference_date() -> None:
    # tilse's cost is date_factor × content_factor: same tokens two days away cost (1/2)·0 = 0,
    # same day with other tokens costs 0·1 = 0; numpy.argmin keeps the first (earliest) → Jan 1
    ref = {D(2024, 1, 1): ["troops advance"], D(2024, 1, 2): ["talks stall"]}
    pred = {D(2024, 1, 2): ["troops advance"]}
    assert align_many_to_one(pred, ref) == {D(2024, 1, 2): D(2024, 1, 1)}
    # ROUGE tokens: troop advanc / talk stall, 2 per day
    # precision: 2 hits · 1/2 / 2 = 1/2
    # recall: ref Jan 1 → pred Jan 2: 2 hits · 1/2 = 1; ref Jan 2 → pred Jan 2: 0 hits → 1 / (2 + 2) = 1/4
    # F1: 2·(1/2)(1/4)/(3/4) = 1/3
    assert_prf(alignment_rouge(pred, ref, n=1), 1 / 2, 1 / 4, 1 / 3)


def test_empty_predicted_timeline_gives_zeros() -> None:
    ref = {D(2024, 1, 1): ["army entered the town"]}
    empty: dict[date, list[str]] = {}
    assert_prf(date_f1(empty, ref), 0, 0, 0)
    for n in (1, 2):
        # precision 0/0 → 0; recall: the reference date is unaligned, 0 hits / 3 unigrams (armi enter town) or 2 bigrams → 0
        assert_prf(alignment_rouge(empty, ref, n=n), 0, 0, 0)
        assert_prf(concat_rouge(empty, ref, n=n), 0, 0, 0)
    assert align_many_to_one(ref, empty) == {}
    # empty reference and both empty: zeros as well
    assert_prf(alignment_rouge(ref, empty, n=1), 0, 0, 0)
    assert_prf(alignment_rouge(empty, empty, n=1), 0, 0, 0)
    assert_prf(date_f1(empty, empty), 0, 0, 0)


def test_normalisation_lowercases_and_splits_on_non_alphanumerics() -> None:
    # runs of ASCII letters/digits, lower-cased: u s backed forces advancing; "u" and "s" are stopwords
    # (every single letter is); backed → back, forces → forc (s, then e dropped), advancing → advanc
    assert rouge_tokens("U.S.-backed forces, advancing!") == ["back", "forc", "advanc"]
    pred = {D(2024, 5, 1): ["Rebel-controlled towns were shelled."]}
    ref = {D(2024, 5, 1): ["rebels control the towns"]}
    # pred rebel control (controlled → controll → control) town shell, "were" dropped (4); ref rebel control town (3)
    # hits 3 → P 3/4, R 3/3 = 1, F1 2·(3/4)/(7/4) = 6/7
    assert_prf(concat_rouge(pred, ref, n=1), 3 / 4, 1, 6 / 7)


def test_rouge_tokens_drop_stopwords_then_stem() -> None:
    # "the" is a stopword; attacks → attack (step 1a), killed → kill (step 1b)
    assert rouge_tokens("The attacks killed") == ["attack", "kill"]
    # the stopword test comes before stemming, on the unstemmed token: "knowing" is not on the list, so it
    # is kept, and stems to "know", which is on it; "knows" is on the list and goes
    assert "know" in SMART_STOPWORDS and "knowing" not in SMART_STOPWORDS
    assert rouge_tokens("knowing knows") == ["know"]
    # only tokens longer than three characters are stemmed: "bus" stays (the stemmer would give "bu"), "buses" → buse
    assert rouge_tokens("bus buses") == ["bus", "buse"]
    # ROUGE's additions to SMART: news-agency and date words; "Gaza's" → gaza + the stopword "s"; digits kept
    assert rouge_tokens("Reuters news, Jan 12: Gaza's hospitals") == ["12", "gaza", "hospit"]
    # the bli → ble and logi → log rules of Porter's published code, which ROUGE-1.5.5 has
    assert rouge_tokens("possibly apology") == ["possibl", "apolog"]
    # the content cost of the alignment is untouched: raw whitespace tokens, not stemmed
    a = {D(2024, 1, 1): ["attack"], D(2024, 1, 4): ["attacks resumed"]}
    b = {D(2024, 1, 2): ["attacks"]}
    # Jan 2 → Jan 1: (1 - 1/2)·(1 - 0) = 1/2, as "attacks" ≠ "attack" (stemmed, the cost would be 0)
    # Jan 2 → Jan 4: (1 - 1/3)·(1 - F1), "attacks" shared: p 1/1, r 1/2, F1 2/3 → (2/3)(1/3) = 2/9 < 1/2
    assert align_many_to_one(b, a) == {D(2024, 1, 2): D(2024, 1, 4)}


def test_stems_used_in_the_hand_worked_examples() -> None:
    # step 1a drops the plural s; 1b drops ed/ing (seiz+e → seize, then step 5 drops the e: m(seiz) = 1, not *o);
    # 1c turns a final y after a vowel-bearing stem into i; 4 drops -al from capital (m(capit) = 2);
    # 5 drops a final e when m > 1 (ceasefire → ceasefir); border keeps -er (m(bord) = 1)
    words = "rebels seized city airport army entered town talks"
    assert rouge_tokens(words) == ["rebel", "seiz", "citi", "airport", "armi", "enter", "town", "talk"]
    words = "resumed geneva troops crossed border ceasefire announced capital"
    assert rouge_tokens(words) == ["resum", "geneva", "troop", "cross", "border", "ceasefir", "announc", "capit"]
    words = "airstrikes hit port approved budget burned shelled northern villages advance stall"
    # "hit" has three letters, so it is not stemmed; shelled → shell (ll is not undoubled: l, s, z are kept)
    assert rouge_tokens(words) == ["airstrik", "hit", "port", "approv", "budget", "burn", "shell", "northern", "villag", "advanc", "stall"]


def test_stopword_file_is_rouge_1_5_5s() -> None:
    text = resources.files("triangulate.eval").joinpath("smart_common_words.txt").read_text(encoding="ascii")
    lines = text.splitlines()
    # 598 lines: SMART's 571 − first/last/name + 30 of ROUGE's own; "may" and "would" twice → 596 distinct
    assert len(lines) == 598
    assert len(set(lines)) == 596
    assert frozenset(lines) == SMART_STOPWORDS
    assert lines[:3] == ["reuters", "ap", "jan"] and lines[-1] == "zero"
    assert text.endswith("zero\n") and "\r" not in text
    assert {"first", "last", "name", "sun"}.isdisjoint(SMART_STOPWORDS)


def test_prf_and_n_validation() -> None:
    assert PRF.of(0.0, 0.0) == PRF(0.0, 0.0, 0.0)
    assert PRF.of(0.5, 1.0).f1 == approx(2 / 3)  # 2·0.5·1 / 1.5
    tl = {D(2024, 1, 1): ["a b"]}
    with pytest.raises(ValueError):
        alignment_rouge(tl, tl, n=0)
    with pytest.raises(ValueError):
        concat_rouge(tl, tl, n=0)
