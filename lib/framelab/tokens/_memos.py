"""Memos of pure functions of strings, and one call that empties them all.

Tokenisers and parsers remember their answer for each distinct string they have seen (a
corpus repeats its words and dates). Such a memo lives as long as the process and gains an
entry whenever a step meets a new string, and every entry is a small object placed among
the step's own short-lived ones: when the step is done, those few live entries keep most of
the memory pages the step used from being handed back (about 300 MB after the reuse
notebook's change detection at 100,000 articles, of which the memo itself was a few MB).
:func:`forget_memos` empties every registered memo (answers are unchanged: they are
computed again when asked); ``framelab.corpus.release_memory`` calls it after large steps.

A memo stays a plain ``dict``: CPython's fast paths (``set.difference(memo)`` among them)
are for exact dicts, and a subclass made a tokeniser several times slower.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["forget_memos", "forgets", "register_memo"]

_CLEARERS: list[Callable[[], None]] = []
#: holders by identity (a WeakSet would keep one of several equal tokenisers)
_HOLDERS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


def forgets(holder: Any) -> Any:
    """Have :func:`forget_memos` empty ``holder._memo`` (a dict) while ``holder`` lives (it
    is held weakly); returns ``holder``."""
    _HOLDERS[id(holder)] = holder
    return holder


def register_memo(clear: Callable[[], None]) -> Callable[[], None]:
    """Have :func:`forget_memos` call ``clear`` (e.g. an ``lru_cache``'s ``cache_clear``)."""
    _CLEARERS.append(clear)
    return clear


def forget_memos() -> None:
    """Empty the memo of every holder given to :func:`forgets`, and call every ``clear``
    given to :func:`register_memo`."""
    for holder in list(_HOLDERS.values()):
        holder._memo.clear()
    for clear in _CLEARERS:
        clear()
