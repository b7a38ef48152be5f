"""Acknowledged means durable: a `kill -9` at any moment loses no write that was answered 2xx, and leaves a
consistent database.

16 threads create Patients as fast as the server takes them and record every id answered 201 (with the
representation the server returned). The server is killed with SIGKILL in the middle of that stream, restarted on
the same data directory, and every acknowledged resource must read back 200 with exactly the acknowledged content;
SQLite's own `PRAGMA integrity_check` must answer `ok`. This is done three times, killing at different moments, and
each restart checks the acknowledgements of all earlier rounds too.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from dossier_server import TimeoutSession
from fhirutil import JSON_HEADERS, patient

THREADS = 16
#: Seconds of load before each kill (plus a random part), so the kill lands at different moments.
KILL_AFTER = (1.5, 3.0, 0.8)
#: Bound on one round of load, whatever happens.
MAX_ROUND_SECONDS = 30


class Acknowledged:
    """Thread-safe record of what the server acknowledged, and of anything it should not have answered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.resources: dict[str, dict] = {}
        self.sent: dict[str, str] = {}
        self.duplicates: list[str] = []
        self.unexpected: list[str] = []

    def add(self, body: dict, sent_value: str):
        with self.lock:
            if body["id"] in self.resources:
                self.duplicates.append(body["id"])
            self.resources[body["id"]] = body
            self.sent[body["id"]] = sent_value

    def problem(self, text: str):
        with self.lock:
            if len(self.unexpected) < 20:
                self.unexpected.append(text)


def writer(base, system, tag, killing: threading.Event, stop: threading.Event, acked: Acknowledged, started: threading.Event):
    session = TimeoutSession()
    headers = {**JSON_HEADERS, "Prefer": "return=representation"}
    seq = 0
    deadline = time.monotonic() + MAX_ROUND_SECONDS
    while not stop.is_set() and time.monotonic() < deadline:
        value = f"{tag}-{seq}"
        seq += 1
        try:
            r = session.post(f"{base}/Patient", data=json.dumps(patient(system, value)), headers=headers, timeout=10)
        except requests.RequestException:
            if killing.is_set():
                return  # the server was killed under us: this request was never acknowledged
            acked.problem(f"{value}: connection failed before the kill")
            return
        if r.status_code == 201:
            try:
                body = r.json()
            except ValueError:
                acked.problem(f"{value}: 201 without a JSON body although return=representation was asked")
                continue
            acked.add(body, value)
            started.set()
        else:
            acked.problem(f"{value}: {r.status_code} {r.text[:200]}")


def verify(base: str, acked: Acknowledged) -> list[str]:
    """Reads back every acknowledged resource; returns what is missing or different."""
    failures: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def check(item):
        rid, expected = item
        if not hasattr(local, "session"):
            local.session = TimeoutSession()
        r = local.session.get(f"{base}/Patient/{rid}", headers={"Accept": "application/fhir+json"})
        problem = None
        if r.status_code != 200:
            problem = f"Patient/{rid}: acknowledged with 201 but read answers {r.status_code}"
        elif r.json() != expected:
            problem = f"Patient/{rid}: content differs from the acknowledged one: {r.text[:300]}"
        if problem:
            with lock:
                failures.append(problem)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(check, list(acked.resources.items())))
    return failures


def integrity_check(server) -> None:
    files = server.database_files()
    assert files, f"no SQLite database file under {server.data_dir}: {sorted(p.name for p in server.data_dir.rglob('*'))}"
    for path in files:
        con = sqlite3.connect(str(path), timeout=10)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            assert rows == [("ok",)], f"{path.name}: integrity_check answered {rows[:10]}"
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            assert mode.lower() == "wal", f"{path.name}: journal_mode is {mode}, expected wal"
        finally:
            con.close()


def test_kill9_loses_no_acknowledged_write(server_factory):
    server = server_factory("kill9")
    system = f"urn:dossier-test:kill9:{uuid.uuid4()}"
    acked = Acknowledged()
    rng = random.Random()
    per_round = []

    for round_no, delay in enumerate(KILL_AFTER):
        before = len(acked.resources)
        killing, stop, started = threading.Event(), threading.Event(), threading.Event()
        threads = [
            threading.Thread(
                target=writer,
                args=(server.base, system, f"r{round_no}-t{t}", killing, stop, acked, started),
                daemon=True,
            )
            for t in range(THREADS)
        ]
        for t in threads:
            t.start()
        assert started.wait(timeout=20), f"round {round_no}: no create was acknowledged within 20s; log:\n{server.log_tail()}"
        time.sleep(delay + rng.uniform(0, 0.5))
        killing.set()
        server.kill9()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "writer threads did not stop"
        assert not acked.unexpected, f"round {round_no}: unexpected answers before the kill: {acked.unexpected}"
        assert not acked.duplicates, f"the same id was acknowledged twice: {acked.duplicates[:5]}"
        per_round.append(len(acked.resources) - before)

        server.start()
        failures = verify(server.base, acked)
        assert not failures, (
            f"round {round_no}: {len(failures)} of {len(acked.resources)} acknowledged creates were lost or changed "
            f"after kill -9: {failures[:10]}"
        )
        integrity_check(server)

    assert all(n > 0 for n in per_round), per_round
    print(f"acknowledged creates per round before kill -9: {per_round}; all {len(acked.resources)} read back intact")
