"""Kernels forked from a warm factory behave as ordinary kernels: where they run, what they
have imported, their subprocesses, interrupts, shutdown, and the fallback to a fresh kernel."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from analysis.kernels import provisioner
from analysis.kernels.factory import FactoryError, KernelFactory
from analysis.kernels.provisioner import WarmKernelSpecs, factory_for

pytestmark = [
    pytest.mark.slow,  # each test starts a kernel, most a factory too
    pytest.mark.skipif(
        not provisioner.warm_kernels_enabled(), reason="kernels are forked on Linux only"
    ),
]

PRELOAD = ("import fractions", "import matplotlib.pyplot")


@contextmanager
def kernel(cwd: Path, preload: tuple[str, ...] = PRELOAD, **specs: str) -> Iterator[KernelManager]:
    manager = WarmKernelSpecs(preload=preload, **specs)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=manager)
    km.start_kernel(cwd=str(cwd))
    try:
        yield km
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def run(km: KernelManager, code: str, timeout: float = 60) -> tuple[str, dict]:
    """Execute ``code``; what it printed and the execute reply's content."""
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        printed: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        reply = client.execute_interactive(code, timeout=timeout, output_hook=hook)
        return "".join(printed), reply["content"]
    finally:
        client.stop_channels()


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_kernel_is_a_fork_of_the_factory_in_its_own_folder_with_the_imports_done(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("ANALYSIS_TEST_MARK", "passed through")
    with kernel(tmp_path) as km:
        printed, reply = run(
            km,
            "import os, sys, matplotlib\n"
            "print(os.getppid(), os.getcwd(), os.environ['ANALYSIS_TEST_MARK'], sep='|')\n"
            "print('fractions' in sys.modules, matplotlib.get_backend(), sep='|')",
        )
    assert reply["status"] == "ok"
    parent, cwd, mark, imported, backend = printed.replace("\n", "|").strip("|").split("|")
    assert int(parent) == factory_for(PRELOAD, tmp_path).pid != os.getpid()
    assert Path(cwd) == tmp_path.resolve() and mark == "passed through"
    assert imported == "True"
    assert backend == "module://matplotlib_inline.backend_inline"  # charts show inline


def test_a_forked_kernel_sees_the_exit_codes_of_its_own_subprocesses(tmp_path) -> None:
    # The factory ignores SIGCHLD to reap its kernels; a kernel must not inherit that.
    with kernel(tmp_path) as km:
        printed, _ = run(km, "import subprocess\nprint(subprocess.run(['false']).returncode)")
    assert printed.strip() == "1"


def test_an_interrupt_stops_the_running_cell_and_the_kernel_goes_on(tmp_path) -> None:
    with kernel(tmp_path) as km:
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            msg_id = client.execute("import time\ntime.sleep(60)")
            time.sleep(1)
            started = time.monotonic()
            km.interrupt_kernel()
            reply = client.get_shell_msg(timeout=20)
            assert reply["parent_header"]["msg_id"] == msg_id
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            assert time.monotonic() - started < 10
        finally:
            client.stop_channels()
        printed, _ = run(km, "print('still here')")
        assert printed.strip() == "still here"


def test_shutdown_ends_the_kernel_and_a_closed_factory_ends_its_kernels(tmp_path) -> None:
    with kernel(tmp_path) as km:
        first = km.provisioner.pid
    assert gone(first, within=5)
    with kernel(tmp_path) as km:
        second = km.provisioner.pid
        factory_for(PRELOAD, tmp_path).close()
        # The kernel's parent poller looks once a second: a run never leaves kernels behind.
        assert gone(second, within=10)


@pytest.mark.parametrize("why", ["switched off", "no fork"])
def test_without_fork_or_when_switched_off_a_kernel_starts_the_ordinary_way(
    tmp_path, monkeypatch, why
) -> None:
    if why == "switched off":
        monkeypatch.setenv(provisioner.SWITCH, "0")
    else:
        monkeypatch.delattr(os, "fork")
    with kernel(tmp_path) as km:
        printed, _ = run(km, "import os\nprint(os.getppid())")
    assert int(printed) == os.getpid()  # launched by jupyter_client itself


def test_a_forked_kernel_is_set_up_as_the_launcher_sets_up_a_kernel(tmp_path, monkeypatch) -> None:
    code = (
        "import sys, json, numpy\nprint(json.dumps([sys.path, sys.argv[0], numpy.random.rand()]))"
    )
    seen = []
    for switch in ("1", "1", "0"):
        monkeypatch.setenv(provisioner.SWITCH, switch)
        with kernel(tmp_path, ("import numpy",)) as km:
            seen.append(json.loads(run(km, code)[0]))
    (forked, path, first), (_, _, second), (plain, plain_path, _) = seen
    assert forked == plain  # "" after the standard library: a local csv.py shadows nothing
    assert path == plain_path and path.endswith("ipykernel_launcher.py")
    assert first != second  # each kernel draws its own random numbers


def test_widgets_preloaded_in_the_factory_still_reach_the_browser(tmp_path, monkeypatch) -> None:
    # ipywidgets registers its comm targets when imported under IPython; in the factory there was
    # no IPython yet. Without them JupyterLab cannot draw a live kernel's widgets after a reload.
    code = "import ipywidgets, comm\nprint(sorted(comm.get_comm_manager().targets))"
    seen = []
    for switch in ("1", "0"):
        monkeypatch.setenv(provisioner.SWITCH, switch)
        with kernel(tmp_path, ("import ipywidgets",)) as km:
            seen.append(run(km, code)[0])
    assert seen[0] == seen[1] == "['jupyter.widget', 'jupyter.widget.control']\n"


def test_a_kernel_shut_down_exits_as_python_does(tmp_path) -> None:
    with kernel(tmp_path) as km:
        run(
            km,
            "import atexit, pathlib\n"
            "atexit.register(pathlib.Path('said-goodbye.txt').write_text, 'bye')\n"
            "unclosed = open('unclosed.txt', 'w')\nunclosed.write('kept')",
        )
        km.shutdown_kernel(now=False)
    assert (tmp_path / "said-goodbye.txt").read_text() == "bye"
    assert (tmp_path / "unclosed.txt").read_text() == "kept"


def test_the_factory_is_out_of_reach_of_a_ctrl_c_at_the_terminal(tmp_path) -> None:
    factory = factory_for(PRELOAD, tmp_path)
    assert os.getsid(factory.pid) != os.getsid(0)


def test_a_factory_that_does_not_answer_in_time_is_ended(tmp_path) -> None:
    factory = KernelFactory(["import time; time.sleep(60)"], tmp_path)
    with pytest.raises(FactoryError, match="did not answer within 1 s"):
        factory.fork(["-f", str(tmp_path / "k.json")], tmp_path, dict(os.environ), timeout=1)
    assert not factory.alive


def test_in_jupyterlab_only_kernels_in_the_warm_folder_are_forked(tmp_path) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "elsewhere").mkdir()
    warm = str(tmp_path / "notebooks")
    for folder, forked in (("notebooks", True), ("elsewhere", False)):
        with kernel(tmp_path / folder, warm_up_in=warm) as km:
            printed, _ = run(km, "import os\nprint(os.getppid())")
        assert (int(printed) != os.getpid()) is forked, folder


def test_a_factory_that_cannot_fork_falls_back_to_a_fresh_kernel(tmp_path, monkeypatch) -> None:
    def broken(self, *args, **kwargs):
        raise FactoryError("the kernel factory has exited (test)")

    monkeypatch.setattr(KernelFactory, "fork", broken)
    with kernel(tmp_path) as km:
        printed, reply = run(km, "import os\nprint(os.getppid())")
    assert reply["status"] == "ok" and int(printed) == os.getpid()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree in /proc")
def test_jupyterlab_kernels_are_forks_of_a_factory_started_with_the_server(tmp_path) -> None:
    import json
    import urllib.request

    from analysis.explore.browser import jupyterlab

    def call(lab, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(lab.url(path), method=method, data=data)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")

    with jupyterlab(tmp_path) as lab:
        server = next(p for p in _children(os.getpid()) if "jupyter" in _cmdline(p))
        factories = [p for p in _children(server) if "analysis.kernels.factory" in _cmdline(p)]
        assert len(factories) == 1, "the server starts one factory as it starts"
        # A notebook in notebooks/ opened in JupyterLab: its kernel runs in that folder.
        session = {"path": "notebooks/scratch.ipynb", "type": "notebook", "name": "scratch"}
        kernel = call(lab, "POST", "/api/sessions", {**session, "kernel": {"name": "python3"}})
        kernel = kernel["kernel"]
        deadline = time.monotonic() + 60
        while not _children(factories[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        (first,) = _children(factories[0])
        call(lab, "POST", f"/api/kernels/{kernel['id']}/restart")
        assert gone(first, within=10)
        (second,) = _children(factories[0])  # the restarted kernel is a fork too
        assert second != first
