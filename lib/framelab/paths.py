"""Project paths, derived in one place. Importing this module has no side effects."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["PACKAGE_DIR", "DATA_DIR", "PROJECT_ROOT", "SEEDS_DIR", "NOTEBOOKS_DIR",
           "OUTPUTS_DIR", "DEFAULT_CODEBOOK", "resolve",
           "sha256_of"]

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
#: The source checkout (lib/framelab -> project root). Only meaningful for an editable install,
#: which is how `make` installs the project.
PROJECT_ROOT = PACKAGE_DIR.parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
DEFAULT_CODEBOOK = DATA_DIR / "codebook.yaml"


def resolve(path: str | Path, *, base: Path | None = None) -> Path:
    """Return ``path`` as an absolute path, relative paths taken from ``base`` (project root)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return ((base or PROJECT_ROOT) / p).resolve()


def sha256_of(path: Path) -> dict[str, str]:
    """sha256 of a file (``{name: hex}``), or of each file in a folder (relative names)."""
    def digest(p: Path) -> str:
        h = hashlib.sha256()
        with open(p, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    path = Path(path)
    if path.is_dir():
        return {str(p.relative_to(path)): digest(p)
                for p in sorted(path.rglob("*")) if p.is_file()}
    return {path.name: digest(path)} if path.is_file() else {}
