"""Output files are written aside then renamed, so a reader never sees half a file."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path


def write_atomically(path: Path, write) -> None:
    """Call write(temporary_path), then rename the result over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.tmp")
    try:
        write(aside)
        aside.replace(path)
    finally:
        aside.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing_directory(target: Path):
    """Yield an empty sibling folder; on success it replaces `target` as a whole (a set of files that
    belong together — parquet, csv, xlsx of one millésime — is never half old, half new)."""
    with _swapped(target, "new", copy=False) as fresh:
        yield fresh


@contextlib.contextmanager
def replacing_tree(target: Path):
    """Yield ONE aside copy of the folder `target` (a build's whole reports tree); on success it replaces
    `target`, otherwise `target` is left as it was."""
    with _swapped(target, "tree", copy=True) as fresh:
        yield fresh


@contextlib.contextmanager
def _swapped(target: Path, tag: str, copy: bool):
    """A sibling folder (a copy of `target`, or empty) renamed over `target` when the block succeeds; the
    folders of this tag left by a killed run are removed first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.{tag}*"):
        shutil.rmtree(stale)
    fresh = target.with_name(f".{target.name}.{os.getpid()}.{tag}")
    if copy and target.exists():
        shutil.copytree(target, fresh, symlinks=True)
    else:
        fresh.mkdir()
    try:
        yield fresh
        old = target.with_name(f".{target.name}.{os.getpid()}.{tag}-old")
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, lambda aside: aside.write_text(text, encoding="utf-8"))


def ensure_writable(folder: Path) -> None:
    """Create `folder` and prove a file can be written there, before a step changes anything."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".oress-ecriture.{os.getpid()}"
    probe.write_bytes(b"")
    probe.unlink()
