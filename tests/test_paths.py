from __future__ import annotations

import hashlib
import os
from pathlib import Path

from framelab import paths


def test_sha256_is_read_once_and_again_after_a_change(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "corpus.csv"
    f.write_bytes(b"text\nfirst\n")
    opened: list[str] = []
    real_open = open

    def counting_open(p, *args, **kwargs):
        opened.append(str(p))
        return real_open(p, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    first = paths.sha256_of(f)
    assert paths.sha256_of(f) == first == {"corpus.csv": hashlib.sha256(f.read_bytes())
                                           .hexdigest()}
    assert opened.count(str(f)) == 1
    # same size, new content and modification time: read again
    f.write_bytes(b"text\nother\n")
    os.utime(f, ns=(1, 10**18))
    assert paths.sha256_of(f) == {"corpus.csv": hashlib.sha256(b"text\nother\n").hexdigest()}
    assert opened.count(str(f)) == 2
