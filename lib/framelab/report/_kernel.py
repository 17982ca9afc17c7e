"""Kernels for the report's notebooks whose own chatter goes to a file, not the report's log.

ipykernel warns on every start that it "is running over TCP without encryption" (the kernel
listens on localhost only), and jupyter_client interrupts a kernel before shutting it down,
which can print a KeyboardInterrupt notice. Both are written by the kernel process itself to
the stdout and stderr it inherits, so a successful ``framelab report`` printed them once per
notebook. What a notebook prints or warns is not affected: that travels to the notebook's
outputs over the kernel's messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

__all__ = ["kernel_manager_logging_to"]


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
