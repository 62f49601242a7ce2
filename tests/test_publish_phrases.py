"""French sentences and typography on hand-built figures: agreement, signs, secret clauses left out."""
import datetime as dt

import pytest

from oress.config import SpecError, load_spec
from oress.publish import formatting as fmt
from oress.publish import phrases
from oress.publish.facts import FRANCE_REFERENCE, Facts
from tests.conftest import write_spec

N, NN = fmt.NBSP, fmt.NNBSP


def facts(cells=None, derived=None, niveau="pays") -> Facts:
    """Facts of a pays: cells {(champ, dimension, modalite): (etab, postes, etp, remu, secret)}."""
    out = Facts(2018, niveau, "p", "Pays d'essai")
    for key, (etablissements, postes, etp, remuneration, secret) in (cells or {}).items():
        out.cells[key] = {"etablissements": etablissements, "postes": postes, "etp": etp,
                          "remuneration_brute": remuneration, "secret": secret}
    out.derived.update(derived or {})
    return out


def ess(etablissements=67, postes=816, secret=""):
    return {("ess", "ensemble", "ensemble"): (etablissements, postes, 666.0, 21_090_490.0, secret),
            ("ensemble", "ensemble", "ensemble"): (588, 5050, 4285.2, 146_289_700.0, "")}


def test_typography():
    assert fmt.pourcent(16.158) == f"16,2{N}%"
    assert fmt.ecart(1.84) == f"+1,8{N}pt" and fmt.ecart(-0.04) == f"0,0{N}pt" and fmt.ecart(-2) == f"−2,0{N}pt"
    assert fmt.entier_signe(16) == "+16" and fmt.entier_signe(-2) == "−2" and fmt.entier_signe(0) == "0"
    assert fmt.evolution_pct(2.0) == f"+2,0{N}%"
    assert fmt.euros(31664.2) == f"31{NN}664{N}€"
    assert fmt.points_texte(1.84) == f"1,8{N}point" and fmt.points_texte(-4.33) == f"4,3{N}points"
    assert fmt.points_texte(1.96) == f"2,0{N}points"                 # agreement follows the printed value
    assert fmt.guillemets("s") == f"«{NN}s{NN}»"
    assert fmt.date_longue(dt.date(2026, 11, 1)) == "1er novembre 2026"
    assert fmt.date_longue(dt.date(2026, 11, 23)) == "23 novembre 2026"
    assert fmt.pluriel(1, "poste", "postes") == "poste" and fmt.pluriel(0, "poste", "postes") == "poste"
    assert fmt.pluriel(2, "poste", "postes") == "postes"


def test_overview_agrees_in_number():
    one = phrases.overview(facts(ess(1, 1)), 2018)
    assert "compte 1 établissement employeur et 1 poste salarié sur le territoire" in one
    many = phrases.overview(facts(ess()), 2018)
    assert f"compte 67 établissements employeurs et 816 postes salariés sur le territoire, soit 666 équivalents " \
           f"temps plein et 21,1{N}M€ de rémunérations brutes." in many


def test_a_secret_cell_gives_no_sentence():
    secret = facts(ess(None, None, "A"))
    assert phrases.overview(secret, 2018) is None
    assert phrases.weight(secret, {}) is None         # no part_dans_ensemble row: nothing to say


def test_gaps_group_directions_and_agree():
    derived = {("ecart_part_dans_ensemble", "ess", "ensemble", "ensemble", "postes", ref): (gap, 10.0, False)
               for ref, gap in (("departement 50", 1.84), ("region 28", 4.33), (FRANCE_REFERENCE, -0.51))}
    text = phrases.gaps(facts(ess(), derived))
    assert text == (f"Ce poids est supérieur de 1,8{N}point à la moyenne départementale, de 4,3{N}points à la "
                    f"moyenne régionale et inférieur de 0,5{N}point à la référence nationale.")


def test_premier_secteur_only_when_no_sector_is_secret():
    codes = [("A07", "Action sociale"), ("A05", "Enseignement")]
    cells = {("ess", "secteur", "A07"): (40, 344, 300.0, 1e7, ""), ("ess", "secteur", "A05"): (7, 139, 120.0, 4e6, ""),
             **ess()}
    derived = {("repartition", "ess", "secteur", "A07", "postes", None): (42.2, None, False),
               ("repartition", "ess", "secteur", "A05", "postes", None): (17.0, None, False)}
    assert phrases.sectors(facts(cells, derived), codes)[0] == (
        f"L’action sociale est le premier secteur d’emploi de l’ESS du territoire, avec 42,2{N}% de ses postes "
        "salariés.")
    cells[("ess", "secteur", "A05")] = (None, None, None, None, "A")
    derived[("repartition", "ess", "secteur", "A05", "postes", None)] = (None, None, False)
    assert phrases.sectors(facts(cells, derived), codes)[0] == (
        f"L’action sociale regroupe 42,2{N}% des postes salariés de l’ESS du territoire.")


def test_spec_panoramas_key_is_strict(tmp_path):
    territory = '[[territoires]]\ncode = "p"\nlibelle = "P"\nniveau = "pays"\nepci = ["200066389"]\n'
    spec = load_spec(write_spec(tmp_path, 'panoramas = ["pays", "epci", "departement"]\n' + territory))
    assert spec.panorama_levels == ("pays", "epci", "departement")
    assert load_spec(write_spec(tmp_path, territory)).panorama_levels == ("pays",)
    with pytest.raises(SpecError, match="panoramas"):
        load_spec(write_spec(tmp_path, 'panoramas = ["region"]\n' + territory))
    with pytest.raises(SpecError, match="panoramas"):
        load_spec(write_spec(tmp_path, 'panoramas = "epci"\n' + territory))
