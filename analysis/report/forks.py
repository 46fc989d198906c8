"""Run calls in child processes forked from this one: one fresh process per call, a few at once.

Why not ``ProcessPoolExecutor``: a pool's worker runs call after call, so a second notebook would
start with whatever the first left behind (pandas options, matplotlib settings, module state),
and a pool forks from a helper thread, which can hand a child a lock the parent held at that
instant. Here every call gets its own fork, made from the calling (main) thread, and inherits
what this process had imported when the call started.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

#: prctl option: the signal a child gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def shared_with_children() -> Iterator[None]:
    """Load modules for forked children to inherit, with the garbage collector kept out of it.

    No collection while loading, and what was loaded is left out of every later collection, here
    and in the children (``gc.freeze``). Why: the collector would otherwise walk the new modules'
    objects over and over while they load, then again in every child, writing to (so copying) the
    memory pages a fork shares. About 0.6 s off a briefing run on two cores.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class ChildDied(RuntimeError):
    """The child ended without a result: killed (out of memory, a signal) or crashed."""


@dataclass(frozen=True)
class Call:
    """A function and its arguments, run in a child."""

    function: Callable[..., Any]
    args: tuple[Any, ...]


def portable(outcome: Any) -> Any:
    """``outcome`` if it can cross a pipe; otherwise (an odd exception, say) its text."""
    try:
        pickle.loads(pickle.dumps(outcome))
    except Exception:
        return RuntimeError(f"{type(outcome).__name__}: {outcome}")
    return outcome


def _die_with(parent: int) -> None:
    """Linux: have the kernel end this child (SIGTERM) when its parent ends, however it ends.

    Without it, a command stopped with SIGTERM or killed would leave its notebooks running.
    """
    with contextlib.suppress(AttributeError, OSError):  # not Linux: children may outlive it
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def _child(call: Call, send: Connection, parent: int) -> None:
    _die_with(parent)
    try:
        outcome: Any = call.function(*call.args)
    except BaseException as exc:  # the parent reports it; the child only carries it home
        outcome = exc
    send.send(portable(outcome))
    send.close()


class Forks:
    """Up to ``size`` children at once; calls beyond that wait for a child to finish."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._context = multiprocessing.get_context("fork")
        self._waiting: deque[Call] = deque()
        self._running: dict[Connection, tuple[Call, BaseProcess]] = {}

    def start(self, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` in a new child as soon as there is room."""
        self._waiting.append(Call(function, args))
        self._fill()

    def _fill(self) -> None:
        while self._waiting and len(self._running) < self.size:
            call = self._waiting.popleft()
            receive, send = self._context.Pipe(duplex=False)
            # Not a daemon: a child may fork children of its own.
            process = self._context.Process(target=_child, args=(call, send, os.getpid()))
            process.start()
            send.close()  # the child holds the only sending end: its exit means end of file
            self._running[receive] = (call, process)

    def finished(self) -> Iterator[tuple[Call, Any]]:
        """Each call with its return value or the exception it raised, as its child ends.

        Calls started while this iterates (say, a second step for a finished first one) are
        waited for too.
        """
        while self._running:
            for receive in wait(list(self._running)):
                call, process = self._running.pop(receive)  # type: ignore[call-overload]
                try:
                    outcome = receive.recv()
                except EOFError:
                    process.join()
                    outcome = ChildDied(f"its process ended with exit code {process.exitcode}")
                receive.close()
                process.join()
                self._fill()
                yield call, outcome
