"""The kernel factory: a process that imports once, then forks one ipykernel kernel per request.

Run as ``python -m analysis.kernels.factory LINE ...``: it runs each ``LINE`` (import statements,
say) and then reads requests from standard input, one JSON object per line (the kernel's
arguments, working directory and environment, as jupyter_client would launch it), and answers
each with the forked kernel's process id on standard output. :class:`KernelFactory` is the other
end, used by :class:`analysis.kernels.provisioner.WarmProvisioner`.

The factory has no threads when it forks (imports start none), so a child is a clean copy. The
child starts a session of its own (as jupyter_client's launcher does, so an interrupt reaches the
kernel's process group), takes the requested directory and environment, and runs ipykernel's own
entry point. The factory's children are reaped as they exit (SIGCHLD ignored); a child restores
the default so its own subprocesses report their exit codes. The factory ends when its standard
input closes, which is when the process that started it exits: its kernels then see their parent
gone and exit too (ipykernel's parent poller), so nothing outlives a run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

#: matplotlib reads ``MPLBACKEND`` when it is imported, which here is before any kernel exists:
#: set it as ipykernel sets it for a kernel (``IPKernelApp.init_gui_pylab``), so that charts show
#: inline in forked kernels as in any other.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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


def _become_kernel(request: Mapping[str, Any], replies: BinaryIO) -> None:
    """In the forked child: turn into the kernel jupyter_client asked for. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        replies.close()
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # The parent poller watches the process that started the kernel: here, the factory.
        # ipykernel read JPY_PARENT_PID when the factory imported it, so it is given as an option.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance(argv=[*request["args"], parent])
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(preload: Sequence[str]) -> None:
    """The factory's main loop (see the module docstring)."""
    # Answers go on the original stdout; anything an import prints goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    # Started by ``-m``, Python put this directory on the path by name; a kernel has it as ""
    # (IPython's ``init_path``), which follows its working directory. The factory runs in the
    # kernels' directory, so the preload finds what their cells would find.
    if sys.path and Path(sys.path[0]) == Path.cwd():
        sys.path[0] = ""
    _preload(preload)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
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
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(self, args: Sequence[str], cwd: str | Path, env: Mapping[str, str]) -> int:
        """Fork a kernel run as ``ipykernel_launcher ARGS`` in ``cwd`` with ``env``; its pid.

        Blocks until the factory has finished its imports (the first time) and forked.
        """
        request = {"args": list(args), "cwd": str(cwd), "env": dict(env)}
        with self._lock:
            try:
                assert self._process.stdin is not None and self._process.stdout is not None
                self._process.stdin.write(json.dumps(request).encode() + b"\n")
                self._process.stdin.flush()
                answer = self._process.stdout.readline()
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
