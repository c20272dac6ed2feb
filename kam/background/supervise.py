"""`kam serve`: the web server and the background worker side by side.

Both run as child processes of this one. If the worker dies it is started again (it then
picks up the task its predecessor was running); if the web server stops, the worker is
stopped too; SIGTERM or SIGINT stop both (the worker finishes its current task first).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

# A worker that keeps dying at start (a broken database URL, say) is not restarted forever.
RESTARTS_WITHIN_A_MINUTE = 5


def worker_command() -> list[str]:
    return [sys.executable, "-m", "kam.cli", "worker"]


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    # Their own process group: a Ctrl-C in the terminal reaches only this process, which
    # passes it on once (a second SIGINT would make the worker abandon its current task).
    return subprocess.Popen(argv, process_group=0)  # noqa: S603 - our own argv


def serve(web_argv: Sequence[str], *, worker: bool = True) -> int:
    """Run the web server (and the worker); return the web server's exit code."""
    children: dict[str, subprocess.Popen[bytes]] = {"web": _start(list(web_argv))}
    if worker:
        children["worker"] = _start(worker_command())
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _supervise(children, is_stopping=lambda: stopping, stop=stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _supervise(
    children: dict[str, subprocess.Popen[bytes]],
    *,
    is_stopping: Callable[[], bool],
    stop: Callable[[int, FrameType | None], None],
) -> int:
    starts: list[float] = [time.monotonic()]
    while True:
        pid, status = os.wait()
        code = os.waitstatus_to_exitcode(status)
        name = next((n for n, c in children.items() if c.pid == pid), None)
        if name is None:
            continue
        children[name].returncode = code
        if name == "web":
            stop(signal.SIGTERM, None)
            if "worker" in children:
                children["worker"].wait()
            return code
        if is_stopping():
            continue
        starts = [t for t in starts if time.monotonic() - t < 60]
        if len(starts) >= RESTARTS_WITHIN_A_MINUTE:
            sys.stderr.write(
                "kam serve: the background worker keeps stopping; not restarting it "
                "(see the messages above). The web server goes on.\n"
            )
            del children["worker"]
            continue
        sys.stdout.write(f"kam serve: the background worker stopped ({code}); starting again.\n")
        sys.stdout.flush()
        starts.append(time.monotonic())
        children["worker"] = _start(worker_command())
