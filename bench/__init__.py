"""Benchmarks of the bot against the fake Ozon and fake Telegram; run with `python -m bench`."""

from bot.perf.aiogram_types import import_aiogram

# Measured with aiogram imported as the running bot imports it (bot/__main__.py).
import_aiogram()
