"""A real PostgreSQL server for the tests and benchmarks, started by them: Debian's
`postgresql` package (installed by .ci/run), a data directory of its own in a temporary folder,
a fresh database per test. Durability is switched off: these databases live for one run."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from itertools import count
from pathlib import Path

from fakes.ports import free_port

SERVER_USER = "postgres"  # PostgreSQL refuses to run as root
PASSWORD = "s3cret-pg-password"
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    """One server on a free local port; `database()` makes an empty database and returns its
    URL (with the password, as an operator's DATABASE_URL has one)."""

    def __init__(self) -> None:
        folder = binaries()
        if folder is None:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
        self._bin = folder
        self._root = Path(tempfile.mkdtemp(prefix="pg-"))
        self._data = self._root / "data"
        self.port = free_port()
        self._names = count(1)
        self._prefix = f"t{os.getpid()}_"

    def start(self) -> PostgresServer:
        self._root.chmod(0o755)
        secret = self._root / "password"
        secret.write_text(PASSWORD)
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self._root, account.pw_uid, account.pw_gid)
            os.chown(secret, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self._data), "-U", "bot", "--auth=scram-sha-256",
                  f"--pwfile={secret}", "-E", "UTF8", "--no-sync")  # fmt: skip
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._root / "server.log"), "-w",
                  "-o", f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1 {FAST}",
                  "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://bot:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        name = f"{self._prefix}{next(self._names)}"
        subprocess.run(
            [str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "bot",
             name],
            check=True, env={**os.environ, "PGPASSWORD": PASSWORD}, capture_output=True,
        )  # fmt: skip
        return self.url(name)

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._root / "server.log"), "-m",
                  "fast", "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        if self._data.exists():
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self._root, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self._bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self._root)
