"""Fixtures of the black-box tests: a real `dossier serve` per test session, HTTP sessions with timeouts."""

from __future__ import annotations

import uuid

import pytest
import requests

from dossier_server import DossierServer, ServerStartError, TimeoutSession

_servers: list[DossierServer] = []


def start_server(tmp_path_factory: pytest.TempPathFactory, name: str, extra_args: list[str] | None = None) -> DossierServer:
    """Starts a server with a fresh data directory (kept under pytest's temporary folder for post-mortems)."""
    root = tmp_path_factory.mktemp(name)
    server = DossierServer(root / "data", root / "logs", extra_args=extra_args, name=name)
    _servers.append(server)
    try:
        return server.start()
    except ServerStartError as error:
        pytest.fail(f"could not start the server: {error}", pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> DossierServer:
    """One server shared by the functional tests (tests use unique identifiers, so they do not see each other)."""
    srv = start_server(tmp_path_factory, "shared")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory):
    """Starts extra servers with their own data directory and flags: ``server_factory(name, [flags])``."""
    started: list[DossierServer] = []

    def factory(name: str, extra_args: list[str] | None = None) -> DossierServer:
        srv = start_server(tmp_path_factory, name, extra_args)
        started.append(srv)
        return srv

    yield factory
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def synthea_import(tmp_path_factory):
    """All of data/synthea imported in process (`dossier import`) into a fresh data folder, then served; shared by
    the import and search tests. Yields the import's output and the server."""
    from test_import_synthea import SYNTHEA, run_import

    root = tmp_path_factory.mktemp("synthea")
    data = root / "data"
    output = run_import([str(SYNTHEA), "--data-dir", str(data), "--quiet"])
    srv = DossierServer(data, root / "logs", name="synthea")
    _servers.append(srv)
    srv.start()
    yield output, srv
    srv.stop()


@pytest.fixture(scope="session")
def synthea(synthea_import) -> DossierServer:
    """The server holding all of data/synthea."""
    return synthea_import[1]


@pytest.fixture(scope="session")
def base(server) -> str:
    """FHIR base URL of the shared server, without a trailing slash."""
    return server.base


@pytest.fixture
def http() -> requests.Session:
    """A plain HTTP session (every request has a timeout)."""
    with TimeoutSession() as s:
        yield s


@pytest.fixture
def system() -> str:
    """A unique identifier system for one test, so that searches only see that test's resources."""
    return f"urn:dossier-test:{uuid.uuid4()}"


def pytest_sessionfinish(session, exitstatus):
    for srv in _servers:
        try:
            srv.stop(grace=5)
        except Exception:  # noqa: BLE001 - teardown must go on
            srv.kill9()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if exitstatus == 0 or not _servers:
        return
    terminalreporter.section("dossier server logs")
    for srv in _servers:
        terminalreporter.write_line(f"--- {srv.name}: {srv.log_path} (last lines)")
        terminalreporter.write_line(srv.log_tail(15))
