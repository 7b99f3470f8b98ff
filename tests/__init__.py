"""The tests. aiogram is imported as the running bot imports it (bot/__main__.py), before any
test module or fake imports it."""

from bot.perf.aiogram_types import import_aiogram

import_aiogram()
