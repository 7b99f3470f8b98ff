"""Fixtures shared by the tests that run against the fake servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.leaks import leaks
from fakes.ozon import FakeOzon
from fakes.postgres import PostgresServer
from fakes.process import API_KEY, CLIENT_ID, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers import scan
from tests.helpers.scan import Harness

TIERS = ("unit", "service", "e2e")
ENGINES = ("sqlite", "postgresql")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test belongs to exactly one tier (pyproject.toml names them): `-m unit` runs the
    quick ones alone."""
    for item in items:
        tiers = [mark.name for mark in item.iter_markers() if mark.name in TIERS]
        if len(tiers) != 1:
            raise pytest.UsageError(f"{item.nodeid}: mark it with exactly one of {TIERS}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The service tier runs on both database engines."""
    definition = metafunc.definition
    if definition.get_closest_marker("service") and not definition.get_closest_marker(
        "sqlite_only"
    ):
        metafunc.parametrize("database_engine", ENGINES, indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server, started once per test process."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def database_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine of the test's database: on PostgreSQL a fresh database, named by
    DATABASE_URL for everything that reads the settings (tests/helpers/postgres.py open_db)."""
    engine = str(getattr(request, "param", "sqlite"))
    if engine == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres")
        monkeypatch.setenv("DATABASE_URL", server.database())
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    return engine


@pytest.fixture(autouse=True)
def no_secret_leaks() -> Iterator[None]:
    """After every test that ran the bot: no API key, encryption key or bot token anywhere."""
    BotProcess.started.clear()
    yield
    for process in BotProcess.started:
        process.kill()
        assert leaks(process) == []


@pytest.fixture
def ozon() -> Iterator[FakeOzon]:
    """A fresh fake per test: its calls are this test's alone."""
    with FakeOzon() as fake:
        yield fake


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Extra environment for the `bot` fixture; a test module may override it."""
    return {}


@pytest.fixture
def bot(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, bot_env: dict[str, str]
) -> Iterator[BotProcess]:
    """The real bot process, with store CLIENT_ID (no postings yet) known to the fake Ozon."""
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [])
    process = BotProcess(tmp_path, telegram, ozon, **bot_env).start()
    telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
    yield process
    process.kill()
    assert telegram.violations == []
    assert ozon.violations == []


@pytest.fixture
def harness(ozon: FakeOzon, tmp_path: Path) -> Harness:
    """The scan harness (tests/helpers/scan.py): the store at the fake Ozon, a clean record."""
    ozon.add_store(scan.CLIENT_ID, scan.API_KEY)
    ozon.violations.clear()
    return Harness(ozon, tmp_path / "bot.sqlite3")
