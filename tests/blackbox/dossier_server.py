"""Start, watch and stop a real `dossier serve` process for the black-box tests.

The tests build nothing: they run the binary named by the environment variable ``DOSSIER_BIN`` (default
``.build/debug/dossier`` under the repository root; ``scripts/test`` builds it first). Each server gets a free
loopback port, its own data directory and a log file; everything it prints goes to that log, and the log's tail is
shown when the server fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Seconds any single HTTP request of the tests may take.
REQUEST_TIMEOUT = float(os.environ.get("DOSSIER_TEST_REQUEST_TIMEOUT", "15"))
#: Seconds the server has to answer ``GET /health`` after it was started.
STARTUP_TIMEOUT = float(os.environ.get("DOSSIER_TEST_STARTUP_TIMEOUT", "60"))


def dossier_binary() -> Path:
    """The server executable under test."""
    path = Path(os.environ.get("DOSSIER_BIN", REPO_ROOT / ".build" / "debug" / "dossier"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Operator tokens (`dossier token --admin`) of the running servers, by root URL: the black-box tests of the REST
# layer act as the operator unless they pass their own Authorization header (the access rules have their own tests).
OPERATOR_TOKENS: dict[str, str] = {}


def operator_token(url: str) -> str | None:
    """The operator token of the server that serves ``url``, if one is running."""
    for root, token in OPERATOR_TOKENS.items():
        if url.startswith(root + "/"):
            return token
    return None


class TimeoutSession(requests.Session):
    """A requests session where every request has a timeout unless the caller gives one, and carries the
    server's operator token unless the caller sends its own Authorization header (or ``anonymous=True``)."""

    def __init__(self, anonymous: bool = False):
        super().__init__()
        self.anonymous = anonymous

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        headers = dict(kwargs.get("headers") or {})
        if not self.anonymous and not any(k.lower() == "authorization" for k in headers):
            token = operator_token(str(url))
            if token:
                headers["Authorization"] = f"Bearer {token}"
                kwargs["headers"] = headers
        return super().request(method, url, **kwargs)


class ServerStartError(RuntimeError):
    """The server did not become healthy; the message carries the tail of its log."""


class DossierServer:
    """One `dossier serve` process on a loopback port with a given data directory.

    ``start()`` may be called again after ``stop()`` or ``kill9()``: the same data directory is reused, on a new port.
    """

    def __init__(self, data_dir: Path, log_dir: Path, extra_args: list[str] | None = None, name: str = "dossier"):
        self.data_dir = Path(data_dir)
        self.log_dir = Path(log_dir)
        self.extra_args = list(extra_args or [])
        self.name = name
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.starts = 0
        self.log_path: Path | None = None

    # -- addresses ---------------------------------------------------------------------------------------------
    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        """The FHIR base URL, ``http://127.0.0.1:PORT/fhir`` (no trailing slash)."""
        return f"{self.root}/fhir"

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self, attempts: int = 3) -> "DossierServer":
        """Starts the server and waits until ``GET /health`` answers 200. Retries on a new port if the chosen one was
        taken between choosing and binding (other people run servers on this machine too)."""
        binary = dossier_binary()
        if not binary.exists():
            raise ServerStartError(
                f"{binary} does not exist: build it with `swift build --product dossier` or set DOSSIER_BIN"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        last_error: Exception | None = None
        for _ in range(attempts):
            self.port = free_port()
            self.starts += 1
            self.log_path = self.log_dir / f"{self.name}-{self.starts}.log"
            args = [
                str(binary), "serve",
                "--host", "127.0.0.1",
                "--port", str(self.port),
                "--data-dir", str(self.data_dir),
                "--base-url", self.base,
                *self.extra_args,
            ]
            with open(self.log_path, "wb") as log:
                log.write(("$ " + " ".join(args) + "\n").encode())
                log.flush()
                self.process = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=str(self.data_dir.parent),
                )
            try:
                self._wait_healthy()
                if "--no-auth" not in self.extra_args:
                    OPERATOR_TOKENS[self.root] = self.token("--admin")
                return self
            except ServerStartError as error:
                last_error = error
                self.stop()
                if "address already in use" not in self.log_tail().lower():
                    break
        raise ServerStartError(str(last_error))

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError(
                    f"dossier exited with status {self.process.returncode} before it was healthy; log:\n{self.log_tail()}"
                )
            try:
                r = requests.get(f"{self.root}/health", timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise ServerStartError(f"GET /health did not answer 200 within {STARTUP_TIMEOUT:.0f}s; log:\n{self.log_tail()}")

    def token(self, *args: str) -> str:
        """A token from `dossier token ARGS` run beside this server's data folder (as an operator would)."""
        result = subprocess.run([str(dossier_binary()), "token", *args, "--data-dir", str(self.data_dir)],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise ServerStartError(f"dossier token {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        """SIGKILL, as a power cut would: no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited after ``grace`` seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    # -- the database ------------------------------------------------------------------------------------------
    def database_files(self) -> list[Path]:
        """The SQLite database file(s) in the data directory (not their -wal/-shm companions)."""
        found = []
        for pattern in ("*.sqlite", "*.sqlite3", "*.db"):
            found.extend(p for p in self.data_dir.rglob(pattern) if p.is_file())
        return sorted(set(found))
