"""Project paths, derived in one place. Importing this module has no side effects."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["PACKAGE_DIR", "DATA_DIR", "PROJECT_ROOT", "SEEDS_DIR", "NOTEBOOKS_DIR",
           "OUTPUTS_DIR", "DEFAULT_CODEBOOK", "pid_alive", "resolve",
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


#: Digests already computed in this process, by file identity: a report records the corpus'
#: sha256 in its manifest and keys the corpus cache with it, and reads the file once.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def _file_digest(p: Path) -> str:
    st = p.stat()
    key = (str(p.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        with open(p, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def sha256_of(path: Path) -> dict[str, str]:
    """sha256 of a file (``{name: hex}``), or of each file in a folder (relative names).

    A file whose path, inode, size and modification time are unchanged since it was hashed in
    this process is not read again.
    """
    digest = _file_digest

    path = Path(path)
    if path.is_dir():
        return {str(p.relative_to(path)): digest(p)
                for p in sorted(path.rglob("*")) if p.is_file()}
    return {path.name: digest(path)} if path.is_file() else {}


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's process counts: it exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
