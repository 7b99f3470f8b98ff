"""Telegram bot that guards Ozon FBS/rFBS shipment deadlines."""

from bot.aiogram_types import import_aiogram

import_aiogram()
