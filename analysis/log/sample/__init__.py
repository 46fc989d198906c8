"""Seeded synthetic complaint logs: the bundled sample, its messy twin, and big logs for benchmarks.

Real complaint logs hold personal data and are not public, so the suite ships a log made here. It is
synthetic through and through - fictional organisations, names drawn at random from common-name lists,
phone numbers from Ofcom's drama ranges, e-mail addresses on reserved ``example`` domains - but shaped
by published facts (the numbers and their sources are in :mod:`.calibration` and ``data/README.md``):

* the school year 2021/22, with a wave of TikTok abuse across November 2021 on a lower background;
* the four nations weighted by their teacher workforce;
* two logging organisations whose logs overlap through ``content_ref`` (SHA-256 of the post's URL), so
  that capture-recapture has something to estimate from;
* heavy-tailed, platform-specific response times with a large share never answered by the extract date.

The same seed gives the same log, byte for byte: every random draw comes from numpy's PCG64 seeded
from the seed (structure and text use separate child streams, so ``with_text=False`` gives the same
rows as ``with_text=True`` less the free text), and nothing depends on dict or set order or the clock.

``python -m analysis sample --bundled`` regenerates every file under ``data/sample/``.

The package, one idea per module: :mod:`.calibration` (the published figures), :mod:`.vocabulary`
(name pools and phrase templates, read from ``data/*.yaml``), :mod:`.draws` (seeded random
streams), :mod:`.posts` (when, where and what), :mod:`.people` (names, schools, contacts),
:mod:`.text` (descriptions with planted identifiers), :mod:`.generator` (the log),
:mod:`.spreadsheet` (its messy, hand-kept twin), :mod:`.files` (byte-stable CSV) and :mod:`.cli`.
"""

from analysis.log.sample.calibration import DEFAULT_ROWS, ORGANISATIONS
from analysis.log.sample.cli import main, write_bundled
from analysis.log.sample.generator import SampleLog, generate
from analysis.log.sample.spreadsheet import MessyLog, messy
from analysis.log.sample.vocabulary import (
    CATEGORY_PHRASES,
    CLOSINGS,
    CONTACT_PHRASES,
    IDENTIFIER_KINDS,
    NAME_POOLS,
    OPENINGS,
    POSTER_PHRASES,
    ROLE_TEXT,
    NamePool,
)

__all__ = [
    "CATEGORY_PHRASES",
    "CLOSINGS",
    "CONTACT_PHRASES",
    "DEFAULT_ROWS",
    "IDENTIFIER_KINDS",
    "NAME_POOLS",
    "OPENINGS",
    "ORGANISATIONS",
    "POSTER_PHRASES",
    "ROLE_TEXT",
    "MessyLog",
    "NamePool",
    "SampleLog",
    "generate",
    "main",
    "messy",
    "write_bundled",
]
