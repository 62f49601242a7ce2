"""What a build was made from: input hashes, reference and perimeter versions, secrecy rules, oress version.

Written next to the outputs of each millésime (`chiffres-cles/manifeste.json`) without any
timestamp, so that identical inputs give an identical manifest."""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from oress.config import REFERENCE_DIR, RunSpec

CHUNK = 1 << 22


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def record_inputs(connection, spec: RunSpec, root: Path | None = None) -> None:
    """meta_entrees: every file of each millésime's input folder (raw extracts, or INSEE's delivered
    tables) with its size and hash, as read."""
    root = root or spec.raw_dir
    rows = [(millesime, str(path), path.stat().st_size, sha256(path))
            for millesime in spec.millesimes
            for path in sorted((root / str(millesime)).rglob("*"))
            if path.is_file() and not path.name.startswith(".")]
    connection.execute("create or replace table meta_entrees "
                       "(millesime integer, fichier varchar, octets bigint, sha256 varchar)")
    if rows:
        connection.executemany("insert into meta_entrees values (?, ?, ?, ?)", rows)


def reference_fingerprint(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Hash of every versioned reference CSV (the cache of registry packages excluded)."""
    files = sorted(p for p in reference_dir.rglob("*.csv") if "cache" not in p.relative_to(reference_dir).parts)
    return {str(p.relative_to(reference_dir)): sha256(p) for p in files}


def build_manifest(connection, spec: RunSpec, millesime: int) -> dict:
    perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
    inputs = connection.execute("select fichier, octets, sha256 from meta_entrees where millesime = ? "
                                "order by fichier", [millesime]).fetchall()
    return {
        "oress": metadata.version("oress"),
        "millesime": millesime,
        "spec": {"fichier": str(spec.path), "sha256": sha256(spec.path)},
        "entrees": [{"fichier": f, "octets": n, "sha256": h} for f, n, h in inputs],
        "perimetre": perimetre,
        "geographie": cog,
        "references": reference_fingerprint(),
        "secret": asdict(spec.secret),
    }
