"""Benchmarks of the bot against the fake Ozon and fake Telegram; run with `python -m bench`."""

import bot  # noqa: F401  (aiogram imported as the bot imports it: bot/aiogram_types.py)
