"""Writes the broken inputs of tests/data/bad (run once; the files are committed). Each is a defect real
extracts have: `python tests/data/bad/make_corpus.py`."""
import gzip
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "siret;siren;depcom;apet;cj;postes;etp;remuneration_brute;denomination\n"
GOOD = ["77567227200011;775672272;50502;8810A;9220;40;30,5;900000;Aide à domicile\n",
        "78000000100012;780000001;50502;8891A;9220;12;10;250000;Crèche\n"]


def write(name: str, content: bytes) -> None:
    (HERE / name).write_bytes(content)


def main() -> None:
    whole = gzip.compress((HEADER + "".join(GOOD * 200)).encode("utf-8"), mtime=0)
    write("tronque.csv.gz", whole[: len(whole) // 2])                        # download cut in the middle
    write("cp1252_sans_bom.csv", (HEADER + GOOD[0].replace("Aide à domicile", "L’Œuvre — « aide »")
                                  + GOOD[1]).encode("cp1252"))             # Windows-1252 labelled nothing
    write("separateurs_melanges.csv", (HEADER + GOOD[0] + GOOD[1].replace(";", ",")).encode("utf-8"))
    write("retour_ligne_entre_guillemets.csv", (HEADER + GOOD[0] + '78000000100012;780000001;50502;8891A;9220;12;'
                                                '10;250000;"Crèche\nsur deux lignes"\n').encode("utf-8"))
    write("en_tete_double.csv", (HEADER + GOOD[0] + HEADER + GOOD[1]).encode("utf-8"))  # files concatenated
    write("vide.csv", b"")
    write("binaire.csv", bytes(range(256)) * 8)
    write("codes_sql.csv", (HEADER + GOOD[0] + "78000000100012;780000001;50502') or ('1'='1;"
                            "8891A;9220;12;10;250000;Crèche\n"
                            "78000000200013;780000002;50502;8891A\" or 1=1 --;9220;1;1;20000;x\n").encode("utf-8"))


if __name__ == "__main__":
    main()
