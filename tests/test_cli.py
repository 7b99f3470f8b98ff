"""The command line: configuration errors, `check`, and the generated encryption key."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet

from bot.config import load_settings
from bot.security.crypto import KeyCipher, load_cipher
from fakes.ozon import FakeOzon
from fakes.process import run_cli
from storage import Database
from storage import stores as stores_db


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OZON_", "BOT_", "TELEGRAM_", "ALERT_", "ENCRYPTION_", "CHECK_"))
    }
    return clean | {"DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3")}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("extra", "variable"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:x", "CHECK_INTERVAL_SECONDS": "often"}, "CHECK_INTERVAL_SECONDS"),
        ({"BOT_TOKEN": "1:x", "ALERT_LEAD_TIMES": "soon"}, "ALERT_LEAD_TIMES"),
        ({"BOT_TOKEN": "1:x", "ENCRYPTION_KEY": "short"}, "ENCRYPTION_KEY"),
    ],
)
def test_bad_configuration_is_one_line_without_traceback(
    env: dict[str, str], tmp_path: Path, extra: dict[str, str], variable: str
) -> None:
    result = run_cli(env=env | extra, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and "expected" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_dotenv_file_is_read(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CHECK_INTERVAL_SECONDS=-5\n")
    result = run_cli(env=env | {"BOT_TOKEN": "1:x"}, cwd=tmp_path)
    assert result.returncode == 2 and "CHECK_INTERVAL_SECONDS" in result.stderr


@pytest.mark.e2e
def test_check_demo_prints_the_sample_alerts(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("check", "--demo", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Overdue — Sample store" in result.stdout
    assert "Yoga mat × 1 (MAT-183)" in result.stdout
    assert "Less than 1h to the deadline" in result.stdout
    assert "<b>" not in result.stdout  # plain text, not Telegram HTML
    assert "at an alert stage" in result.stdout


@pytest.mark.e2e
def test_check_with_a_key_from_the_environment(
    env: dict[str, str], tmp_path: Path, ozon: FakeOzon
) -> None:
    ozon.add_store("5150", "check-key")
    now = datetime.now(UTC)
    ozon.set_postings(
        "5150",
        [
            FakeOzon.make_posting("5150-0001-1", now + timedelta(minutes=30)),
            FakeOzon.make_posting("5150-0002-1", now + timedelta(hours=48)),
        ],
    )
    creds = {"OZON_API_URL": ozon.url, "OZON_CLIENT_ID": "5150", "OZON_API_KEY": "check-key"}
    result = run_cli("check", env=env | creds, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "5150-0001-1" in result.stdout and "5150-0002-1" not in result.stdout
    assert "2 postings watched, 1 at an alert stage" in result.stdout
    assert "check-key" not in result.stdout + result.stderr
    wrong = run_cli("check", env=env | creds | {"OZON_API_KEY": "wrong"}, cwd=tmp_path)
    assert wrong.returncode == 1 and "Invalid Api-Key" in wrong.stderr
    assert ozon.violations == []


@pytest.mark.e2e
def test_check_stages_as_the_watch_does_working_days_included(
    env: dict[str, str], tmp_path: Path, ozon: FakeOzon
) -> None:
    """A deadline on a day its warehouse does not work is warned of before the last working
    day ends, by `check` exactly as in a chat."""
    ozon.add_store("5151", "days-key")
    deadline = datetime.now(UTC) + timedelta(hours=26)
    days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
    weekday = deadline.astimezone(ZoneInfo("Europe/Moscow")).isoweekday()  # the fake's zone
    ozon.set_working_days("5151", 1001, [d for i, d in enumerate(days, 1) if i != weekday])
    ozon.set_postings("5151", [FakeOzon.make_posting("5151-0001-1", deadline)])
    creds = {"OZON_API_URL": ozon.url, "OZON_CLIENT_ID": "5151", "OZON_API_KEY": "days-key",
             "ALERT_LEAD_TIMES": "72h"}  # fmt: skip
    result = run_cli("check", env=env | creds, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Less than 3d to pack before Main warehouse closes" in result.stdout


@pytest.mark.e2e
def test_check_without_stores_says_what_to_do(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("check", env=env, cwd=tmp_path)
    assert result.returncode == 1 and "--demo" in result.stderr


@pytest.mark.service
def test_missing_encryption_key_is_generated_private_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("ENCRYPTION_KEY", raising=False)
    settings = load_settings(_env_file=None, database_path=tmp_path / "db" / "bot.sqlite3")
    with caplog.at_level(logging.WARNING):
        cipher = load_cipher(settings)
    key_file = tmp_path / "db" / "encryption.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len([r for r in caplog.records if "ENCRYPTION_KEY" in r.getMessage()]) == 1
    token = cipher.seal(3, "api-key")
    assert "api-key" not in token
    assert load_cipher(settings).open(3, token) == "api-key"  # the same key is reused


@pytest.mark.e2e
def test_check_scans_the_stored_stores(env: dict[str, str], tmp_path: Path, ozon: FakeOzon) -> None:
    key = Fernet.generate_key().decode()
    ozon.add_store("6160", "stored-key")
    deadline = datetime.now(UTC) - timedelta(hours=1)
    ozon.set_postings("6160", [FakeOzon.make_posting("6160-0001-1", deadline)])

    async def store_one() -> None:
        db = await Database.open(Path(env["DATABASE_PATH"]))
        await stores_db.save_store(
            db,
            owner_user_id=1,
            client_id="6160",
            name="Stored shop",
            seal=lambda store_id: KeyCipher([key]).seal(store_id, "stored-key"),
            missing_methods=[],
            key_expires_at=None,
            now=datetime.now(UTC),
        )
        await db.close()

    asyncio.run(store_one())
    extra = {"OZON_API_URL": ozon.url, "ENCRYPTION_KEY": key}
    database = Path(env["DATABASE_PATH"])
    before = database.read_bytes()
    result = run_cli("check", env=env | extra, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert database.read_bytes() == before  # opened read-only: not a byte changed
    assert "== Stored shop (Client-Id 6160)" in result.stdout
    assert "Overdue — Stored shop" in result.stdout and "6160-0001-1" in result.stdout
