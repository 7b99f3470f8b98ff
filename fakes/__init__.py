"""The test bed shared by tests/ and bench/: fake Telegram Bot API and Ozon Seller API servers
on 127.0.0.1 (validating every request against the specs in tests/specs/), the real bot process
run against them, and the search of what a process left behind for its secrets."""
