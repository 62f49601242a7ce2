"""Short French sentences stating the main facts of a territory.

Every sentence is built from known (published, non-secret) figures only: a clause whose figure is
secret or not applicable is left out, and a sentence left without its main figure is not written.
Agreement follows the printed value (plural from 2 on); typography is that of oress.publish.formatting.

The sentences are written in phrases_weight (size, weight, gaps, ranks), phrases_structure (families,
sectors, sizes) and phrases_profile (jobs, wages, evolution), with the words of phrases_words; this module
gathers what the panorama, the chiffres clés and the site take from them.
"""
from __future__ import annotations

from oress.publish.phrases_profile import compared, evolution, profile
from oress.publish.phrases_structure import families, sectors, sizes
from oress.publish.phrases_weight import (
    communes_above,
    gaps,
    overview,
    private_weight,
    rank_sentence,
    ranks,
    weight,
)
from oress.publish.phrases_words import (
    PEER_NAMES,
    REFERENCE_NOUNS,
    REFERENCE_PHRASES,
    SECTOR_NAMES,
    capitalised,
    enumeration,
    family_name,
    inside,
    peers,
    rank_text,
    sector_name,
    zone,
)

__all__ = ["PEER_NAMES", "REFERENCE_NOUNS", "REFERENCE_PHRASES", "SECTOR_NAMES", "capitalised", "communes_above",
           "compared", "enumeration", "evolution", "families", "family_name", "gaps", "inside", "overview", "peers",
           "private_weight", "profile", "rank_sentence", "rank_text", "ranks", "sector_name", "sectors", "sizes",
           "weight", "zone"]
