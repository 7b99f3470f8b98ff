"""The operators' health endpoint of the real bot process."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from tests.botproc import API_KEY, CLIENT_ID, SCAN_PATH, BotProcess, say, wait_scans
from tests.fakes.ozon import FakeOzon
from tests.fakes.telegram import FakeTelegram


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_health_is_200_while_scans_succeed_and_503_when_they_stop(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    port = free_port()
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [])
    process = BotProcess(tmp_path, telegram, ozon, HEALTH_PORT=str(port)).start()
    try:
        telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
        say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
        wait_scans(ozon, telegram, 1)
        answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert answer.status_code == 200
        body = answer.json()
        assert body["status"] == "ok" and isinstance(body["outbox_depth"], int)
        assert [store["client_id"] for store in body["stores"]] == [CLIENT_ID]
        assert API_KEY not in answer.text

        ozon.inject(SCAN_PATH, 500, {"code": 13, "message": "internal"}, times=200)
        telegram.wait_for(
            lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 503,
            timeout=20,
        )
    finally:
        process.kill()
