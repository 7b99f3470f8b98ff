"""Telegram bot that guards Ozon FBS/rFBS shipment deadlines.

Importing it does nothing: `python -m bot` (bot/__main__.py) applies the start-up patches in
bot/perf/ and composes the running bot in bot/app.py."""
