"""The provisioner that launches ``python3`` kernels as forks of a warm kernel factory.

:class:`WarmProvisioner` is jupyter_client's ``LocalProvisioner`` (which its authors meant to be
subclassed) with one step changed: launching. Ports, the connection file and cleanup are
inherited; the kernel process comes from a :class:`~analysis.kernels.factory.KernelFactory` that
has imported the ``preload`` lines; it is watched through a pidfd and signalled, interrupted
and killed as a process group, as LocalProvisioner does with the processes it starts.

:class:`WarmKernelSpecs` hands it to whoever asks for the ``python3`` kernel: the ``briefings``
command passes it to its kernel managers, and ``make lab`` configures JupyterLab with it
(``jupyter/jupyter_server_config.py``), so notebooks keep the stock ``python3`` kernelspec.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import List, Unicode

from analysis.kernels.factory import FactoryError, KernelFactory

#: The entry point (group ``jupyter_client.kernel_provisioners``, in pyproject.toml) naming
#: :class:`WarmProvisioner`.
PROVISIONER_NAME = "analysis-warm"
#: Set to ``0`` to launch every kernel the ordinary way.
SWITCH = "ANALYSIS_WARM_KERNELS"
#: The kernel a factory can stand in for: our own interpreter running ipykernel's launcher.
LAUNCHER = ("-m", "ipykernel_launcher")

_factories: dict[tuple[str, tuple[str, ...]], KernelFactory] = {}
_factories_lock = threading.Lock()


def warm_kernels_enabled() -> bool:
    """Whether kernels may be forked here: on Linux, unless the switch is ``0``.

    Linux only: macOS has ``fork``, but its system libraries (Accelerate, under numpy) are not
    safe to use in a child forked after they were loaded, which is why Python's multiprocessing
    stopped forking there; Windows has no ``fork``.
    """
    linux = sys.platform.startswith("linux") and hasattr(os, "fork")
    return linux and os.environ.get(SWITCH, "1") != "0"


def factory_for(preload: Sequence[str], cwd: str | Path) -> KernelFactory:
    """This process's factory for kernels in ``cwd`` with ``preload``, started now if need be.

    Call it early (it returns at once) so that the factory imports while the caller does other
    work; the first kernel launched waits for the imports to finish.
    """
    key = (str(Path(cwd).resolve()), tuple(preload))
    with _factories_lock:
        factory = _factories.get(key)
        if factory is None or not factory.alive:
            factory = _factories[key] = KernelFactory(key[1], key[0])
        return factory


@atexit.register
def close_factories() -> None:
    """End every factory this process started (also done by their pipes closing at exit)."""
    with _factories_lock:
        while _factories:
            _factories.popitem()[1].close()


def _kernel_args(cmd: Sequence[str]) -> list[str] | None:
    """The ipykernel arguments of a launch command, or None if a factory cannot run it."""
    if len(cmd) >= 3 and cmd[0] == sys.executable and tuple(cmd[1:3]) == LAUNCHER:
        return list(cmd[3:])
    return None


class _Forked:
    """A kernel the factory forked. Its pidfd (Linux 5.3+) tells when it has ended even after
    the factory has reaped it and its process id has gone to another process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self.fd = None  # ended already
            self.pid = 0
        except OSError:  # a kernel without pidfds: fall back to the process id alone
            self.fd = None

    def alive(self) -> bool:
        if self.fd is not None:
            return not select.select([self.fd], [], [], 0)[0]
        if not self.pid:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def signal_group(self, signum: int) -> None:
        """Signal the kernel's session (it and its subprocesses), if the kernel still runs."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class WarmProvisioner(LocalProvisioner):  # type: ignore[misc]
    """``LocalProvisioner`` whose kernels are forks of a factory that imported ``preload``."""

    preload = List(Unicode(), help="Python lines the factory runs before forking kernels").tag(
        config=True
    )
    folder = Unicode(
        "", help="fork only kernels that run in this folder (others start the ordinary way)"
    ).tag(config=True)
    forked: _Forked | None = None

    @property
    def has_process(self) -> bool:
        return self.forked is not None or super().has_process

    def _forks(self, cmd: list[str], cwd: str | Path) -> bool:
        if _kernel_args(cmd) is None or not warm_kernels_enabled():
            return False
        return not self.folder or Path(cwd).resolve() == Path(self.folder).resolve()

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        cwd = kwargs.get("cwd") or Path.cwd()
        if not self._forks(cmd, cwd):
            return await super().launch_kernel(cmd, **kwargs)
        env = kwargs.get("env") or dict(os.environ)
        try:
            factory = factory_for(self.preload, cwd)
            pid = await asyncio.to_thread(factory.fork, _kernel_args(cmd), cwd, env)
        except (FactoryError, OSError) as exc:
            self.log.warning("kernel factory unavailable (%s): starting a fresh kernel", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.forked = _Forked(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        """None while the kernel runs. Its exit code is the factory's to collect, so an ended
        kernel reads 0 here (jupyter_client only asks whether it is alive)."""
        if self.forked is None:
            return await super().poll()
        return None if self.forked.alive() else 0

    async def wait(self) -> int | None:
        if self.forked is None:
            return await super().wait()
        while self.forked.alive():
            await asyncio.sleep(0.05)
        self.forked.close()
        self.forked = None
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.forked is None:
            return await super().send_signal(signum)
        self.forked.signal_group(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().kill(restart)
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().terminate(restart)
        await self.send_signal(signal.SIGTERM)


class WarmKernelSpecs(KernelSpecManager):  # type: ignore[misc]
    """The installed kernelspecs, with ``python3`` launched by :class:`WarmProvisioner`.

    Where kernels cannot be forked (see :func:`warm_kernels_enabled`) the specs are returned as
    installed.
    """

    preload = List(Unicode(), help="Python lines each python3 kernel's factory runs").tag(
        config=True
    )
    warm_up_in = Unicode(
        "",
        help="start the factory for kernels in this folder when this manager is created, and "
        "fork only kernels that run there (elsewhere a factory would start cold)",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        # JupyterLab's server creates its kernelspec manager as it starts: the factory then
        # imports while the browser draws the page, and the first notebook's kernel is ready.
        super().__init__(**kwargs)
        if self.warm_up_in and warm_kernels_enabled():
            factory_for(self.preload, self.warm_up_in)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        if kernel_name == "python3" and warm_kernels_enabled():
            spec.metadata = {
                **spec.metadata,
                "kernel_provisioner": {
                    "provisioner_name": PROVISIONER_NAME,
                    "config": {"preload": list(self.preload), "folder": self.warm_up_in},
                },
            }
        return spec
