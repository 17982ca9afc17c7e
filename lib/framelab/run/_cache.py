"""A Parquet cache of a corpus's documents and sentence tables, keyed by what shaped them.

The first run on a corpus streams it (:class:`framelab.corpus.DocumentStream`), writes the
normalised documents as Parquet parts (one per chunk) and counts, per outlet, the documents in
which each line occurs (:mod:`framelab.corpus`: what segmentation needs to tag
boilerplate across the whole corpus);
the sentence table is then segmented chunk by chunk, on any :class:`framelab.run.Engine`.
Later runs read the Parquet back. Layout::

    <cache_dir>/<key>/manifest.json            settings, counts, warnings issued
    <cache_dir>/<key>/documents/part-00000.parquet ...
    <cache_dir>/<key>/lines.parquet            line hash, outlet, documents (>= 2)
    <cache_dir>/<key>/outlets.parquet          outlet, documents
    <cache_dir>/<key>/sentences-<seg>/part-00000.parquet ...

``key`` is a sha256 of the input's sha256 (every file of a folder), the metadata sidecar's,
its path, the column map, ``on_bad_rows``, the framelab version and the source of the modules
that shape the tables; ``<seg>`` adds the segmentation parameters. Nothing is pickled. Each
entry and each sentence table is written into a temporary folder and renamed into place, so
a killed run never leaves a half cache. Warnings issued while reading are stored and repeated
on every cache hit.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..corpus import (
    DEFAULT_CHUNK_SIZE,
    ColumnMap,
    DocumentStream,
    LineStats,
    contiguous,
    prepare_chunk,
    segment_chunk,
)
from ..errors import CorpusError, CorpusWarning, ParameterError
from ..paths import OUTPUTS_DIR, pid_alive, sha256_of
from ._engine import Engine, describe_chunk, open_engine

__all__ = ['CACHE_FORMAT', 'default_cache_dir', 'cache_settings', 'CorpusCache', 'build_cache']

log = logging.getLogger(__name__)


def _warn(message: str) -> None:
    log.warning(message)
    warnings.warn(message, CorpusWarning, stacklevel=3)

#: Bumped when the layout of a cache entry changes.
CACHE_FORMAT = 1
_SHAPING_MODULES = ("corpus/_corpus.py", "corpus/_segment.py", "corpus/_ingest.py",
                    "corpus/_readers.py", "corpus/_boilerplate.py", "run/_cache.py")


def default_cache_dir() -> Path:
    """``outputs/.cache`` in the project."""
    return OUTPUTS_DIR / ".cache"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    here = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in _SHAPING_MODULES:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def cache_settings(path: str | Path, *, metadata: str | Path | None = None,
                   columns: ColumnMap | None = None, on_bad_rows: str = "error",
                   metadata_wins: bool = False) -> dict[str, Any]:
    """Everything that shapes the documents table of ``path``; its digest is the cache key.

    Reads every input byte once to hash it (sha256).
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus path {path} does not exist")
    meta = Path(metadata) if metadata else None
    return {"format": CACHE_FORMAT, "framelab": __version__, "code": _code_digest(),
            "input": {"path": str(path), "sha256": _digest(sha256_of(path))},
            "metadata": {"path": str(meta), "sha256": _digest(sha256_of(meta))} if meta else None,
            "columns": asdict(columns or ColumnMap()), "on_bad_rows": on_bad_rows,
            **({"metadata_wins": True} if metadata_wins else {})}


def _segmentation(min_docs: int, min_share: float) -> dict[str, Any]:
    if min_docs < 2:
        raise ParameterError(
            f"boilerplate_min_docs={min_docs}: a line must recur in at least 2 documents to "
            "be boilerplate; use 2 or more")
    return {"boilerplate_min_docs": int(min_docs), "boilerplate_min_share": float(min_share)}


def _prepare_and_write(item: tuple[str, pd.DataFrame | str], *, folder: str
                       ) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """On a worker with shared storage: prepare a chunk (or a spilled chunk's file, which is
    then removed) and write its part.

    Returns the columns, the outlet of each row, the line hashes and their rows (only these
    travel back to the client).
    """
    name, documents = item
    if isinstance(documents, str):
        raw = Path(documents)
        documents = pd.read_parquet(raw)
        raw.unlink()
    docs, hashes, rows = prepare_chunk(documents)
    _write_part(docs, Path(folder) / name)
    return [str(c) for c in docs.columns], docs["outlet"].tolist(), hashes, rows


def _spill(named: Iterator[tuple[str, Any]], folder: Path) -> Iterator[tuple[str, Any]]:
    """Write each chunk to ``folder`` and yield its path instead (for shared storage)."""
    folder.mkdir()
    for name, chunk in named:
        path = folder / name
        _write_part(chunk, path)
        yield name, str(path)


def _prepare_named(item: tuple[str, pd.DataFrame]
                   ) -> tuple[pd.DataFrame, list[str], np.ndarray, np.ndarray]:
    """Without shared storage: prepare a chunk and send it back to be written."""
    docs, hashes, rows = prepare_chunk(item[1])
    return docs, docs["outlet"].tolist(), hashes, rows


def _describe_named(item: tuple[str, Any]) -> str:
    if isinstance(item[1], str):
        return f"documents {item[0]} being cached"
    return describe_chunk(item[1])


def _tmp_dir(root: Path, name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(".tmp-*"):  # left by a killed run: remove when its process is gone
        try:
            pid = int(old.name.split("-")[-2])
        except (IndexError, ValueError):
            continue
        if not pid_alive(pid):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-{name}-{os.getpid()}-", dir=root))



def _commit(tmp: Path, final: Path) -> None:
    """Rename a finished temporary folder into place; a concurrent writer's copy wins."""
    try:
        os.rename(tmp, final)
    except OSError:
        if not final.exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def _write_part(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path,
                   compression="zstd")


def _apply_to_part(path: str, *, func: Callable[[pd.DataFrame], Any],
                   columns: list[str] | None) -> Any:
    return func(pd.read_parquet(path, columns=columns))


def _describe_part(path: str) -> str:
    p = Path(path)
    return f"documents {p.name} of the corpus cache {p.parent.parent}"


class CorpusCache:
    """A finished cache entry. Build one with :func:`build_cache`.

    Attributes
    ----------
    path : Path
        The entry's folder.
    manifest : dict
        Settings, counts and the warnings issued while reading.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.manifest = json.loads((self.path / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise CorpusError(f"{self.path} is not a framelab corpus cache ({err}); delete it "
                              "and run again") from None

    def __repr__(self) -> str:
        return f"CorpusCache({self.path}, {self.n_documents} documents)"

    @property
    def key(self) -> str:
        return self.path.name

    @property
    def n_documents(self) -> int:
        return int(self.manifest["n_documents"])

    @property
    def columns(self) -> list[str]:
        """Columns of the documents table."""
        return list(self.manifest["columns"])

    @property
    def parts(self) -> list[Path]:
        """The documents' Parquet parts, in corpus order."""
        return [self.path / "documents" / name for name in self.manifest["parts"]]

    def iter_documents(self, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield the documents table one part (one ingestion chunk) at a time."""
        for part in self.parts:
            yield pd.read_parquet(part, columns=columns)

    def documents(self, *, columns: list[str] | None = None) -> pd.DataFrame:
        """The whole documents table (equal to ``load_corpus`` on the same input)."""
        return contiguous(pd.concat(list(self.iter_documents(columns=columns)),
                                    ignore_index=True), inplace=True)

    def imap(self, engine: Engine, func: Callable[[pd.DataFrame], Any], *,
             columns: list[str] | None = None, desc: str = "partitions") -> Iterator[Any]:
        """Yield ``func(part)`` for every documents part, in order, on ``engine``.

        With shared storage the workers read the parts themselves (only paths travel);
        otherwise each part is read here and sent.
        """
        if engine.shared_storage:
            return engine.imap(partial(_apply_to_part, func=func, columns=columns),
                               [str(p) for p in self.parts], total=len(self.parts),
                               desc=desc, describe=_describe_part)
        return engine.imap(func, self.iter_documents(columns=columns), total=len(self.parts),
                           desc=desc)

    def repeated_lines(self, *, boilerplate_min_docs: int = 3,
                       boilerplate_min_share: float = 0.2) -> np.ndarray:
        """Sorted hashes of the lines that are outlet boilerplate (see ``segment``)."""
        seg = _segmentation(boilerplate_min_docs, boilerplate_min_share)
        lines = pd.read_parquet(self.path / "lines.parquet")
        outlets = pd.read_parquet(self.path / "outlets.parquet").set_index("outlet")["n_docs"]
        need = np.maximum(seg["boilerplate_min_docs"],
                          seg["boilerplate_min_share"] * outlets.reindex(lines["outlet"])
                          .to_numpy(dtype=float))
        return np.sort(lines["hash"].to_numpy(dtype=np.uint64)[lines["n_docs"].to_numpy() >= need])

    def segmenter(self, **segmentation: Any) -> Callable[[pd.DataFrame], pd.DataFrame]:
        """A picklable ``chunk -> sentences`` function for this corpus
        (:func:`framelab.corpus.segment_chunk` with its boilerplate lines)."""
        return partial(segment_chunk, repeated=self.repeated_lines(**segmentation))

    def _sentence_dir(self, min_docs: int, min_share: float) -> Path:
        seg = _segmentation(min_docs, min_share)
        return self.path / f"sentences-{_digest(seg)[:12]}"

    def build_sentences(self, *, boilerplate_min_docs: int = 3,
                        boilerplate_min_share: float = 0.2, engine: str | Engine = "local",
                        workers: int | None = None, scheduler: Any = None,
                        progress: bool = True) -> Path:
        """Segment every part (on ``engine``) unless done; return the sentence folder."""
        final = self._sentence_dir(boilerplate_min_docs, boilerplate_min_share)
        if final.is_dir():
            return final
        func = self.segmenter(boilerplate_min_docs=boilerplate_min_docs,
                              boilerplate_min_share=boilerplate_min_share)
        tmp = _tmp_dir(self.path, final.name)
        try:
            with open_engine(engine, workers=workers, scheduler=scheduler,
                             progress=progress) as eng:
                columns = ["doc_id", "outlet", "text", "text_norm", "origin"]
                for name, frame in zip(self.manifest["parts"],
                                       self.imap(eng, func, columns=columns, desc="segmenting")):
                    _write_part(frame, tmp / name)
            _commit(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def iter_sentences(self, *, boilerplate_min_docs: int = 3,
                       boilerplate_min_share: float = 0.2) -> Iterator[pd.DataFrame]:
        """Yield the sentence table part by part (after :meth:`build_sentences`)."""
        folder = self._sentence_dir(boilerplate_min_docs, boilerplate_min_share)
        if not folder.is_dir():
            raise CorpusError(f"{self.path}: no sentence table for these segmentation "
                              "parameters yet; call build_sentences first")
        for name in self.manifest["parts"]:
            yield pd.read_parquet(folder / name)

    def sentences(self, **segmentation: Any) -> pd.DataFrame:
        """The whole sentence table (equal to ``segment(load_corpus(...))``)."""
        return contiguous(pd.concat(list(self.iter_sentences(**segmentation)),
                                    ignore_index=True), inplace=True)


def _build_documents(stream: DocumentStream, settings: dict[str, Any], root: Path,
                     key: str, engine: Engine) -> None:
    tmp = _tmp_dir(root, key)
    try:
        stats = LineStats(tmp / "lines")
        (tmp / "documents").mkdir()
        parts: list[str] = []
        columns: list[str] = []
        stream.normalise = False  # normalising and line hashing run on the engine
        named: Iterator[tuple[str, Any]] = (
            (f"part-{i:05d}.parquet", chunk) for i, chunk in enumerate(stream))
        folder = str(tmp / "documents")
        if engine.in_process:
            func: Callable[[Any], Any] = partial(_prepare_and_write, folder=folder)
        elif engine.shared_storage:  # hand chunks over as files; workers write the parts
            named = _spill(named, tmp / "raw")
            func = partial(_prepare_and_write, folder=folder)
        else:  # send chunks with their tasks and write what comes back
            func = _prepare_named
        prepared = engine.imap(func, named, desc="normalising", describe=_describe_named)
        for i, (head, outlets, hashes, rows) in enumerate(prepared):
            name = f"part-{i:05d}.parquet"
            if isinstance(head, pd.DataFrame):
                _write_part(head, tmp / "documents" / name)
                head = [str(c) for c in head.columns]
            stats.add(outlets, hashes, rows)
            parts.append(name)
            columns = columns or head
        _write_part(stats.table(), tmp / "lines.parquet")
        shutil.rmtree(tmp / "lines")
        shutil.rmtree(tmp / "raw", ignore_errors=True)
        per_outlet = pd.DataFrame(sorted(stream.outlet_counts.items()),
                                  columns=["outlet", "n_docs"])
        _write_part(per_outlet.astype({"outlet": str, "n_docs": "int64"}),
                    tmp / "outlets.parquet")
        manifest = {"key": key, "settings": settings, "parts": parts, "columns": columns,
                    "n_documents": stream.n_documents, "chunk_size": stream.chunk_size,
                    "notes": stream.notes,
                    "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        _commit(tmp, root / key)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _damage(entry: Path, sentence_dir: Path) -> str | None:
    """What is wrong with a cache entry (a file missing or unreadable), or None."""
    import pyarrow.parquet as pq

    try:
        manifest = json.loads((entry / "manifest.json").read_text("utf-8"))
        parts = [entry / "documents" / name for name in manifest["parts"]]
        if sentence_dir.is_dir():
            parts += [sentence_dir / name for name in manifest["parts"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        return f"its manifest.json is unreadable ({type(err).__name__}: {err})"
    for part in [*parts, entry / "lines.parquet", entry / "outlets.parquet"]:
        if not part.is_file():
            return f"{part} is missing"
        try:
            pq.read_metadata(part)
        except (OSError, ValueError) as err:
            return f"{part} is unreadable ({err})"
    return None


def _discard_if_damaged(entry: Path, min_docs: int, min_share: float) -> None:
    """A damaged cache entry (a part truncated or deleted, the manifest garbled) is explained
    in a warning and removed, so that it is built again."""
    if not entry.is_dir():
        return
    seg = _segmentation(min_docs, min_share)
    problem = _damage(entry, entry / f"sentences-{_digest(seg)[:12]}")
    if problem is None:
        return
    _warn(f"corpus cache entry {entry} is damaged: {problem}. It is removed and built again "
          "(nothing else in the cache is touched)")
    shutil.rmtree(entry, ignore_errors=True)


def build_cache(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    columns: ColumnMap | None = None,
    on_bad_rows: str = "error",
    cache_dir: str | Path | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    sentences: bool = True,
    boilerplate_min_docs: int = 3,
    boilerplate_min_share: float = 0.2,
    engine: str | Engine = "local",
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
    metadata_wins: bool = False,
) -> CorpusCache:
    """Return the cache entry of a corpus, building what is missing.

    Parameters
    ----------
    path, metadata, columns, on_bad_rows, metadata_wins
        As for :func:`framelab.corpus.load_corpus`.
    cache_dir : str or Path, optional
        Parent folder of cache entries (default ``outputs/.cache``).
    chunk_size : int
        Documents per chunk and per Parquet part; bounds memory when building.
    sentences : bool
        Also build the sentence table for the segmentation parameters.
    boilerplate_min_docs, boilerplate_min_share
        As for :func:`framelab.corpus.segment`.
    engine, workers, scheduler
        Where segmentation runs (:class:`framelab.run.Engine`).
    progress : bool
        Progress bars for reading and segmenting.

    Returns
    -------
    CorpusCache
        A hit repeats the warnings issued when the entry was built.
    """
    _segmentation(boilerplate_min_docs, boilerplate_min_share)
    root = Path(cache_dir) if cache_dir else default_cache_dir()
    stream = DocumentStream(path, metadata=metadata, columns=columns, on_bad_rows=on_bad_rows,
                            chunk_size=chunk_size, progress=progress,
                            metadata_wins=metadata_wins)
    settings = cache_settings(path, metadata=stream.metadata, columns=columns,
                              on_bad_rows=on_bad_rows, metadata_wins=metadata_wins)
    key = _digest(settings)[:24]
    _discard_if_damaged(root / key, boilerplate_min_docs, boilerplate_min_share)
    if (root / key / "manifest.json").is_file():
        cache = CorpusCache(root / key)
        log.info("corpus cache hit: %s", cache.path)
        for note in cache.manifest["notes"]:
            _warn(f"{note} (recorded when the corpus cache {key} was built)")
        if not sentences or cache._sentence_dir(boilerplate_min_docs,
                                                boilerplate_min_share).is_dir():
            return cache
    with open_engine(engine, workers=workers, scheduler=scheduler, progress=progress) as eng:
        if not (root / key / "manifest.json").is_file():
            _build_documents(stream, settings, root, key, eng)
        cache = CorpusCache(root / key)
        if sentences:
            cache.build_sentences(boilerplate_min_docs=boilerplate_min_docs,
                                  boilerplate_min_share=boilerplate_min_share, engine=eng)
    return cache
