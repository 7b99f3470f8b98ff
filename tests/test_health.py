"""The operators' health endpoint of the real bot process."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from fakes.ozon import FakeOzon
from fakes.ports import free_port
from fakes.process import API_KEY, CLIENT_ID, SCAN_PATH, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.chat import say, wait_scans

pytestmark = pytest.mark.e2e


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at `port`, from /proc/net/tcp (IPv4)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_health_is_200_while_scans_succeed_and_503_when_they_stop(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    port = free_port()
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [])
    process = BotProcess(tmp_path, telegram, ozon, HEALTH_PORT=str(port), REPLICA_ID="a-1").start()
    try:
        telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
        say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
        wait_scans(ozon, telegram, 1)
        assert listening_addresses(port) == {"127.0.0.1"}  # this machine only, by default
        answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert answer.status_code == 200
        body = answer.json()
        assert body["status"] == "ok" and isinstance(body["outbox_depth"], int)
        assert body["stores"] == {"watched": 1, "stale": 0, "failing": 0}
        assert body["replica"] == "a-1"  # which of several processes answered
        assert " a-1 bot." in process.logs()  # and it names the log's lines
        # Counts and states only: nothing that names a store to whoever asks.
        assert API_KEY not in answer.text and CLIENT_ID not in answer.text
        assert "Romashka" not in answer.text

        ozon.inject(SCAN_PATH, 500, {"code": 13, "message": "internal"}, times=200)
        telegram.wait_for(
            lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 503,
            timeout=20,
        )
        stale = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
        assert stale["status"] == "stale" and stale["stores"]["stale"] == 1
    finally:
        process.kill()
