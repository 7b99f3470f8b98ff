"""Runs the real bot process (`python -m bot`) against the fake servers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

from cryptography.fernet import Fernet

from fakes.ozon import FakeOzon
from fakes.telegram import FakeTelegram

USER = 7001
CLIENT_ID = "424242"
API_KEY = "e2e-key-5f0c1d9a-not-for-logs"
SCAN_PATH = "/v4/posting/fbs/unfulfilled/list"


class BotProcess:
    # Every process a test started, for the leak search after it (fakes/leaks.py).
    started: ClassVar[list[BotProcess]] = []

    def __init__(self, workdir: Path, telegram: FakeTelegram, ozon: FakeOzon, **env: str):
        BotProcess.started.append(self)
        self.telegram = telegram
        self.ozon = ozon
        self.workdir = workdir
        self.database = workdir / "data" / "bot.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                ("OZON_", "BOT_", "TELEGRAM_", "ALERT_", "ENCRYPTION_", "WEBHOOK_")
            )
        }
        self.env.update(
            BOT_TOKEN=telegram.token,
            TELEGRAM_API_URL=telegram.url,
            OZON_API_URL=ozon.url,
            DATABASE_PATH=str(self.database),
            ENCRYPTION_KEY=Fernet.generate_key().decode(),
            CHECK_INTERVAL_SECONDS="1",
            LOG_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        self.env.update(env)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        assert self._process is not None
        if self._process.poll() is None:
            self._process.send_signal(sig)
        code = self._process.wait(timeout)
        self._process = None
        return code

    def wait(self, timeout: float) -> int:
        """Waits for the process to exit by itself."""
        assert self._process is not None
        code = self._process.wait(timeout)
        self._process = None
        return code

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
