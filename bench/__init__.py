"""Benchmarks of the bot against the fake Ozon and fake Telegram; run with `python -m bench`."""
