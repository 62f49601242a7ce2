"""The pages of a territory's panorama, as template context built from published figures only.

Each `*_page` function returns the dict one section of panorama.html.j2 renders: sentences
(oress.publish.phrases), tables whose cells are formatted published values (`s` when secret,
`–` when not applicable), charts and maps as data URIs with their alternative text.

The pages are written in panorama_structure (pages 2 to 5), panorama_profile (6), panorama_places (7, 8)
and panorama_evolution (9), on the building blocks of panorama_base; this module gathers what the report,
the chiffres clés, the conjoncture page and the site take from them.
"""
from __future__ import annotations

from oress.publish.panorama_base import PAGES, Table, champ_label, champ_rows, compared, page, row, secret_note
from oress.publish.panorama_evolution import evolution_page
from oress.publish.panorama_places import MAP_THRESHOLD, composition_page, load_level, map_page, map_statuses
from oress.publish.panorama_profile import profile_page
from oress.publish.panorama_structure import CARDS, families_page, key_figures_page, sectors_page, sizes_page

__all__ = ["CARDS", "MAP_THRESHOLD", "PAGES", "Table", "champ_label", "champ_rows", "compared",
           "composition_page", "evolution_page", "families_page", "key_figures_page", "load_level", "map_page",
           "map_statuses", "page", "profile_page", "row", "secret_note", "sectors_page", "sizes_page"]
