"""Telegram bot that guards Ozon FBS/rFBS shipment deadlines."""
