"""Worker processes for a bench run, with their peak resident memory sampled by psutil."""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

import psutil

from services.platform.broker import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]


class Workers:
    """Processes in their own sessions; a sampler thread keeps each one's peak RSS."""

    def __init__(
        self,
        bootstrap: str,
        namespace: str,
        work_dir: Path,
        partitions: int,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """`settings`: further `JATKUMO_*` variables for every worker (e.g. the table store)."""
        self.work_dir = work_dir
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "JATKUMO_NAMESPACE": namespace,
            "JATKUMO_ENVIRONMENT": "test",
            "JATKUMO_CLOCK": "event",
            "JATKUMO_INTERNAL_PARTITIONS": str(partitions),
            "JATKUMO_DATA_DIR": str(work_dir / "data"),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
            ),
            **(settings or {}),
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.peak_rss: dict[str, int] = {}
        self.profilers: list[subprocess.Popen[bytes]] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def start(self, name: str, *args: str) -> None:
        log = (self.work_dir / f"{name}.log").open("ab")
        env = {**self.env, "JATKUMO_WEB_PORT": str(free_port())}
        self.processes[name] = subprocess.Popen(
            [sys.executable, *args],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.peak_rss[name] = 0
        self._profile(name)
        if not self._sampler.is_alive():
            self._sampler.start()

    def _profile(self, name: str) -> None:
        """With `BENCH_PROFILE_DIR` set, py-spy records the worker until it exits; with
        `BENCH_PROFILE_GIL` also set, only the samples of the thread holding the GIL (what uses
        the CPU, not what waits in a system call or for the loop)."""
        folder = os.environ.get("BENCH_PROFILE_DIR")
        if not folder:
            return
        spy = Path(sys.executable).with_name("py-spy")
        output = Path(folder) / f"{self.env['JATKUMO_NAMESPACE']}-{name}.txt"
        self.profilers.append(
            subprocess.Popen(
                [
                    str(spy),
                    "record",
                    "--pid",
                    str(self.processes[name].pid),
                    "--rate",
                    "100",
                    "--format",
                    "raw",
                    "--output",
                    str(output),
                    "--nonblocking",
                    *(["--gil"] if os.environ.get("BENCH_PROFILE_GIL") else []),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
        )

    def service(self, service: str) -> None:
        self.start(service, "-m", "services.cli", "worker", service)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.work_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"worker {name} exited with {process.returncode}:\n{log}")

    def rss(self, name: str) -> int:
        try:
            return int(psutil.Process(self.processes[name].pid).memory_info().rss)
        except (psutil.Error, KeyError):
            return 0

    def state_bytes(self, name: str) -> int:
        """The size of the worker's data directory (its table store, when not in memory)."""
        return _tree_size(self.work_dir / "data" / name)

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU time each worker has used so far."""
        used: dict[str, float] = {}
        for name, process in self.processes.items():
            try:
                times = psutil.Process(process.pid).cpu_times()
            except psutil.Error:
                continue
            used[name] = times.user + times.system
        return used

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            for name in list(self.processes):
                self.peak_rss[name] = max(self.peak_rss.get(name, 0), self.rss(name))

    def stop(self) -> None:
        self._stop.set()
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for profiler in self.profilers:
            profiler.wait(timeout=60)


def _tree_size(folder: Path) -> int:
    """Bytes of the files under `folder`; files the store removes while it is read count 0."""
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except FileNotFoundError:
            continue
    return total
