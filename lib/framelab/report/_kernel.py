"""Kernels for the report's notebooks whose own chatter goes to a file, not the report's log.

ipykernel warns on every start that it "is running over TCP without encryption" (the kernel
listens on localhost only), and jupyter_client interrupts a kernel before shutting it down,
which can print a KeyboardInterrupt notice. Both are written by the kernel process itself to
the stdout and stderr it inherits, so a successful ``framelab report`` printed them once per
notebook. What a notebook prints or warns is not affected: that travels to the notebook's
outputs over the kernel's messages.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import psutil
from jupyter_client.manager import AsyncKernelManager

__all__ = ["KernelMemory", "kernel_manager_logging_to"]


class _FileLoggedKernelManager(AsyncKernelManager):
    """Starts the kernel process with its stdout and stderr appended to ``kernel_log``."""

    kernel_log: str = ""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # jupyter_client's documented hook for launching kernel processes differently
        if not self.kernel_log:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        Path(self.kernel_log).parent.mkdir(parents=True, exist_ok=True)
        with open(self.kernel_log, "ab") as sink:  # the child keeps its own copy of the fd
            kw.setdefault("stdout", sink)
            kw.setdefault("stderr", sink)
            await super()._async_launch_kernel(kernel_cmd, **kw)


def kernel_manager_logging_to(path: str | Path) -> type[AsyncKernelManager]:
    """A kernel manager class (papermill's ``kernel_manager_class``) whose kernels write
    their own stdout and stderr to ``path``."""
    return type("KernelLoggingToFile", (_FileLoggedKernelManager,), {"kernel_log": str(path)})


class KernelMemory:
    """Peak resident memory of the notebook kernels this process starts, while in a ``with``.

    A thread looks every ``interval`` seconds at this process's descendants that run a
    Jupyter kernel (``ipykernel``) and at the processes those start (a local process pool).
    ``peak_mb`` is the largest resident size any one of them reached, ``peak_total_mb`` the
    largest sum at one look. Processes shorter than ``interval`` can be missed; the figures
    are a lower bound, and a measure of the notebook, not of the report's own process.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self.peak_total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _kernel_processes(self) -> list[psutil.Process]:
        found = []
        for proc in psutil.Process().children(recursive=True):
            try:
                if any("ipykernel" in part for part in proc.cmdline()):
                    found += [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
        return found

    def _watch(self) -> None:
        while not self._stop.is_set():
            total = 0.0
            for proc in self._kernel_processes():
                try:
                    rss = proc.memory_info().rss / 1e6
                except psutil.Error:
                    continue
                total += rss
                self.peak_mb = max(self.peak_mb, rss)
            self.peak_total_mb = max(self.peak_total_mb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> KernelMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
