"""The kernel factory: a process that imports once, then forks one ipykernel kernel per request.

Run as ``python -m analysis.kernels.factory LINE ...``: it runs each ``LINE`` (import statements,
say) and then reads requests from standard input, one JSON object per line (the kernel's
arguments, working directory and environment, as jupyter_client would launch it), and answers
each with the forked kernel's process id on standard output. :class:`KernelFactory` is the other
end, used by :class:`analysis.kernels.provisioner.WarmProvisioner`.

The factory runs no Python threads (a native allocator thread of pyarrow's is fork-safe), so a
child is a clean copy. The child makes itself what ipykernel's launcher would have made: a
session of its own (as jupyter_client's launcher does, so an interrupt reaches the kernel's
process group), the requested directory and environment, the launcher's ``sys.argv`` and
``sys.path``, fresh random seeds, the default SIGCHLD handling (the factory ignores SIGCHLD to
reap its children; a kernel's own subprocesses must report their exit codes), the hooks that
preloaded modules set up when imported under IPython (ipywidgets' comm targets), and an ordinary
interpreter exit when the kernel shuts down (``atexit`` handlers, file buffers, IPython's
history). What Python fixes at start-up cannot be redone: the hash seed and ``PYTHON*`` settings
are the factory's, which the command started with the same environment.

The factory has a session of its own too, so a Ctrl-C meant for JupyterLab or the ``briefings``
command does not reach it. It ends when its standard input closes, which is when the process
that started it exits: its kernels then see their parent gone and exit too (ipykernel's parent
poller), so nothing outlives a run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

#: matplotlib reads ``MPLBACKEND`` when it is imported, which here is before any kernel exists:
#: set it as ipykernel sets it for a kernel (``IPKernelApp.init_gui_pylab``), so that charts show
#: inline in forked kernels as in any other.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


#: Seconds to wait for the factory's answer: its imports take 2-3 s on an idle 2-core machine.
ANSWER_TIMEOUT = 60.0


class FactoryError(RuntimeError):
    """The factory did not fork a kernel (it exited, or answered with an error)."""


def _preload(lines: Sequence[str]) -> None:
    """Run the preload lines; one that fails is skipped (the notebook's own cell will report it)."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import ipykernel.kernelapp  # noqa: F401  (what every kernel runs first)

    namespace: dict[str, Any] = {}
    for line in lines:
        try:
            exec(line, namespace)
        except Exception as exc:
            sys.stderr.write(f"kernel factory: preload {line!r} failed: {exc}\n")


def _launcher_path() -> list[str]:
    """``sys.path`` as ipykernel's launcher leaves it: this directory removed, and ``""`` put
    before site-packages by IPython (``InteractiveShellApp.init_path``), after the standard
    library, so a module beside a notebook never shadows one of Python's own."""
    path = [p for p in sys.path if p != "" and Path(p) != Path.cwd()]
    site = next(
        (i for i, p in enumerate(path) if Path(p).name in {"site-packages", "dist-packages"}), 0
    )
    return [*path[:site], "", *path[site:]]


def _become_kernel(request: Mapping[str, Any], replies: BinaryIO) -> NoReturn:
    """In the forked child: turn into the kernel jupyter_client asked for. Never returns."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        replies.close()
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        # The parent poller watches the process that started the kernel: here, the factory.
        # ipykernel read JPY_PARENT_PID when the factory imported it, so it is given as an option.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        argv = [*request["args"], parent]
        sys.argv = [str(importlib.util.find_spec("ipykernel_launcher").origin), *argv]
        if "numpy" in sys.modules:  # Python's random reseeds itself after a fork; numpy does not
            sys.modules["numpy"].random.seed()
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        _hook_into_shell()
    except BaseException:
        traceback.print_exc()
        os._exit(1)
    app.start()
    # The kernel has shut down: leave as any interpreter does (not back into the factory's loop).
    raise SystemExit(0)


def _hook_into_shell() -> None:
    """Redo what preloaded modules do when imported under IPython: in the factory there was no
    shell to hook into. ipywidgets registers its comm targets (JupyterLab uses them to draw the
    widgets of a running kernel again after a page reload)."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.register_comm_target()


def serve(preload: Sequence[str]) -> None:
    """The factory's main loop (see the module docstring)."""
    # Answers go on the original stdout; anything an import prints goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    # The path a kernel has when its imports run. The factory runs in the kernels' directory, so
    # the preload finds what their cells would find.
    sys.path[:] = _launcher_path()
    _preload(preload)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            sys.stdout.flush()  # else each child would print what the preload left unflushed
            sys.stderr.flush()
            pid = os.fork()
        except (ValueError, OSError) as exc:
            replies.write(json.dumps({"error": str(exc)}).encode() + b"\n")
            continue
        if pid == 0:
            _become_kernel(request, replies)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")


class KernelFactory:
    """A factory process, started at once in ``cwd`` (where its kernels will run, so that the
    preload imports what their cells would), importing ``preload`` in the background."""

    def __init__(self, preload: Sequence[str], cwd: str | Path) -> None:
        self.preload = tuple(preload)
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "analysis.kernels.factory", *self.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=cwd,
            start_new_session=True,  # a Ctrl-C at the terminal is not for it (module docstring)
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(
        self,
        args: Sequence[str],
        cwd: str | Path,
        env: Mapping[str, str],
        timeout: float = ANSWER_TIMEOUT,
    ) -> int:
        """Fork a kernel run as ``ipykernel_launcher ARGS`` in ``cwd`` with ``env``; its pid.

        Blocks until the factory has finished its imports (the first time) and forked; a factory
        that has not answered within ``timeout`` seconds is ended and :class:`FactoryError`
        raised, so the caller can start a kernel the ordinary way.
        """
        request = {"args": list(args), "cwd": str(cwd), "env": dict(env)}
        with self._lock:
            stdin, stdout = self._process.stdin, self._process.stdout
            try:
                assert stdin is not None and stdout is not None
                stdin.write(json.dumps(request).encode() + b"\n")
                stdin.flush()
                if not select.select([stdout], [], [], timeout)[0]:
                    self.close()  # its late answer would be read as the next kernel's
                    raise FactoryError(f"the kernel factory did not answer within {timeout:g} s")
                answer = stdout.readline()
            except (BrokenPipeError, ValueError) as exc:
                raise FactoryError(f"the kernel factory has exited ({exc})") from None
        if not answer:
            raise FactoryError(f"the kernel factory has exited (code {self._process.poll()})")
        reply = json.loads(answer)
        if "pid" not in reply:
            raise FactoryError(f"the kernel factory could not fork: {reply.get('error')}")
        return int(reply["pid"])

    def close(self) -> None:
        """End the factory at once (it holds nothing to save; its kernels end with it).

        Terminated rather than left to exit on its own: tearing down the libraries it imported
        takes about half a second that nobody needs to wait for.
        """
        self._process.terminate()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()


if __name__ == "__main__":
    serve(sys.argv[1:])
