"""The champ tree and the labels are data: change the reference CSV and the SQL roll-up, the identity
check and the pages follow (real DuckDB on copies of data/reference/champs.csv and tranches_taille.csv)."""
import shutil
from dataclasses import replace

import duckdb
import pytest

from oress import classifications
from oress.config import REFERENCE_DIR, SQL_DIR
from oress.publish import panorama, phrases
from oress.publish.facts import Facts
from oress.reference import load_csv
from oress.warehouse import models, run_models


def reference(tmp_path, edit=lambda text: text):
    """A warehouse with ref_champs (its CSV edited), ref_tranches_taille, ref_indicateurs, ref_dimensions and the
    sql/reference models."""
    for name in ("champs.csv", "tranches_taille.csv", "champs_trimestres.csv", "indicateurs.csv", "dimensions.csv"):
        shutil.copyfile(REFERENCE_DIR / name, tmp_path / name)
    champs = tmp_path / "champs.csv"
    champs.write_text(edit(champs.read_text(encoding="utf-8")), encoding="utf-8")
    connection = duckdb.connect()
    for table, name in (("ref_champs", "champs.csv"), ("ref_tranches_taille", "tranches_taille.csv"),
                        ("ref_champs_trimestres_arbre", "champs_trimestres.csv"),
                        ("ref_indicateurs", "indicateurs.csv"), ("ref_dimensions", "dimensions.csv")):
        load_csv(connection, table, tmp_path / name)
    run_models(connection, models(("reference",)))
    return connection


def test_the_versioned_tree_is_the_one_the_warehouse_reads(tmp_path):
    connection = reference(tmp_path)
    assert classifications.read(connection) == classifications.versioned()
    tree = classifications.versioned().champs
    assert tree.parts() == {"ensemble": ("ess", "hors_ess"),
                            "ess": ("association", "cooperative", "mutuelle", "fondation"),
                            "hors_ess": ("public", "prive_hors_ess")}
    assert connection.execute("select champ from ref_champs_agregation where champ_detail = 'mutuelle'").fetchall() == [
        ("mutuelle",), ("ess",), ("ensemble",)]
    quarterly = classifications.read_tree(connection, "ref_champs_trimestres_arbre")
    assert quarterly.walk()[:2] == ("ensemble_prive", "ess") and quarterly.label("ess") == tree.label("ess")


def test_a_new_family_rolls_up_to_the_ess(tmp_path):
    connection = reference(tmp_path, lambda text: text + "societe_ess;Sociétés commerciales de l’ESS;10;ess;SCESS\n")
    assert connection.execute("select champ from ref_champs_agregation where champ_detail = 'societe_ess'"
                              ).fetchall() == [("societe_ess",), ("ess",), ("ensemble",)]
    tree = classifications.read(connection).champs
    assert tree.families[-1] == "societe_ess"
    facts = Facts(2018, "pays", "p", "Pays d'essai", classes=classifications.read(connection))
    rows = panorama.champ_rows(facts)
    assert rows[:6] == (("ess", "ess"), ("association", "famille"), ("cooperative", "famille"),
                        ("mutuelle", "famille"), ("fondation", "famille"), ("societe_ess", "famille"))


@pytest.mark.parametrize("moved", [False, True])
def test_the_identity_check_reads_the_tree(tmp_path, moved):
    """Cells where the ESS is the sum of the four families: moving fondation under hors_ess breaks ess = Σ."""
    edit = (lambda text: text.replace("fondation;Fondations;6;ess", "fondation;Fondations;6;hors_ess")) if moved \
        else (lambda text: text)
    connection = reference(tmp_path, edit)
    postes = {"association": 5, "cooperative": 3, "mutuelle": 2, "fondation": 1, "ess": 11, "public": 4,
              "prive_hors_ess": 6, "hors_ess": 10, "ensemble": 21}
    connection.execute("create table mart_cellules as select 2018 as millesime, 'pays' as niveau, 'p' as code, "
                       "'ensemble' as dimension, 'ensemble' as modalite, champ, postes, postes as etablissements, "
                       "postes::double as etp, postes::double as remuneration_brute "
                       "from (select unnest(?) as champ, unnest(?) as postes)", [list(postes), list(postes.values())])
    check = (SQL_DIR / "checks" / "chk_champ_identites.sql").read_text(encoding="utf-8")
    totals = sorted(r[0] for r in connection.execute(f"select total from ({check})").fetchall())
    assert totals == (["ess", "hors_ess"] if moved else [])


def test_pages_print_the_labels_of_the_reference(tmp_path):
    connection = reference(tmp_path, lambda text: text.replace("Associations;3;ess;Associations",
                                                               "Associations loi 1901;3;ess;Assos")
                           .replace("Privé hors ESS;9;hors_ess;Privé hors ESS", "Privé lucratif;9;hors_ess;Privé"))
    connection.execute("update ref_tranches_taille set libelle_court = 'TPE' where taille = '0-9'")
    facts = Facts(2018, "pays", "p", "Pays d'essai", classes=classifications.read(connection))
    facts.derived[("part_dans_ess", "association", "ensemble", "ensemble", "postes", None)] = (60.0, None, False)
    assert panorama.champ_label(facts, "association") == "Associations loi 1901"
    assert panorama.compared(facts)[1] == ("prive_hors_ess", "Privé")
    assert phrases.families(facts)[0].startswith("Les associations loi 1901 concentrent")
    assert panorama.sizes_page(facts)["tableau"].rows[0]["libelle"] == "TPE"
    assert [r["libelle"] for r in panorama.families_page(facts, {})["champs"].rows][1] == "Associations loi 1901"


def test_a_warehouse_built_before_the_tree_was_data_asks_for_oress_reference():
    """ref_champs without its parent column (a warehouse of an older oress): a clear error, not DuckDB's."""
    connection = duckdb.connect()
    connection.execute("create table ref_champs as select 'ensemble' as champ, 'Ensemble' as libelle, '1' as ordre")
    with pytest.raises(RuntimeError, match=r"ref_champs .*parent.*relancer `oress reference"):
        classifications.read_tree(connection)


def test_a_null_share_is_secret_when_a_cell_of_its_definition_is(tmp_path):
    """Facts.get says `s` rather than `–` for a NULL share, gap or rank when a cell of its definition
    (ref_indicateurs: the numerator's, the denominator's) is secret; the ESS's total secret here."""
    classes = classifications.read(reference(tmp_path))
    facts = Facts(2018, "pays", "p", "Pays d'essai", classes=classes)
    for champ, dimension, modalite, secret in (("ensemble", "ensemble", "ensemble", ""),
                                              ("ess", "ensemble", "ensemble", "A"),
                                              ("association", "ensemble", "ensemble", ""),
                                              ("prive_hors_ess", "ensemble", "ensemble", ""),
                                              ("ess", "taille", "10-49", ""), ("association", "taille", "10-49", "")):
        facts.cells[(champ, dimension, modalite)] = {"postes": 1.0, "secret": secret}
    assert facts.get("part_dans_ess", "association").shown(str) == "s"          # 100 × association / ess
    assert facts.get("part_dans_prive", "association").secret                  # ess + privé hors ESS
    assert facts.get("rang_part_dans_prive", "association").secret
    assert facts.get("repartition", "ess", dimension="taille", modalite="10-49").secret   # / the ess's total
    assert facts.get("part_dans_ensemble", "association").shown(str) == "–"    # association / ensemble: published
    assert not facts.get("ecart_part_dans_ensemble", "association", reference="departement 50").secret
    assert not facts.get("repartition", "association", dimension="taille", modalite="10-49").secret
    assert not facts.get("ecart_part_dans_ess", "association").secret          # not compared: no gap to be secret
    compared = [replace(s, compared=True) if s.code == "part_dans_ess" else s for s in classes.shares]
    facts.classes = replace(classes, shares=tuple(compared))
    assert facts.get("ecart_part_dans_ess", "association").secret
