"""NAF rév.2 sub-classes and their sector typologies, as one versioned CSV.

Labels come from the npm package `@socialgouv/codes-naf` (Apache-2.0, INSEE
labels); the typologies from data/reference/typologies_secteurs_regles.csv,
where the longest matching NAF prefix wins (an empty prefix is the default).
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import tarfile
from pathlib import Path

from oress.config import CACHE_DIR, REFERENCE_DIR

NAF_PACKAGE = "@socialgouv/codes-naf@1.1.1"
NAF_TARBALL = "socialgouv-codes-naf-1.1.1.tgz"
SUBCLASS = re.compile(r"\d{2}\.\d{2}[A-Z]")
RULES_FILE = REFERENCE_DIR / "typologies_secteurs_regles.csv"
NAF_FILE = REFERENCE_DIR / "naf_secteurs.csv"


def fetch_naf(cache_dir: Path = CACHE_DIR) -> Path:
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / NAF_TARBALL
    if not tarball.exists():
        subprocess.run(["npm", "pack", "--silent", NAF_PACKAGE], cwd=cache_dir, check=True,
                       stdout=subprocess.DEVNULL)
    return tarball


def read_rules(path: Path = RULES_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def sector_of(apet: str, rules: list[dict[str, str]]) -> dict[str, str]:
    """The rule with the longest NAF prefix matching `apet` (5 characters, no dot)."""
    matching = [rule for rule in rules if apet.startswith(rule["naf_prefixe"])]
    return max(matching, key=lambda rule: len(rule["naf_prefixe"]))


def extract_naf(tarball: Path, out_file: Path = NAF_FILE) -> int:
    """Write the 732 NAF sub-classes with their typologie A and B codes."""
    with tarfile.open(tarball) as archive:
        entries = json.load(archive.extractfile("package/index.json"))
    rules = read_rules()
    columns = ["apet", "libelle", "division", "secteur_a", "secteur_a_detail", "secteur_b", "secteur_b_detail"]
    rows = []
    for entry in entries:
        if SUBCLASS.fullmatch(entry["id"]):
            apet = entry["id"].replace(".", "")
            rule = sector_of(apet, rules)
            rows.append([apet, entry["label"], apet[:2]] + [rule[c] for c in columns[3:]])
    with out_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(sorted(rows))
    return len(rows)
