"""Pure domain rules: stages and working days, lead times (express ones too), permissions, chat
settings as values, stock risk, the shipping days Ozon asks for, the statuses that trap
sellers, kinds and states, time zones. No aiogram, no storage, no I/O and no clock reads:
callers pass `now`. Ozon's own models (bot/ozon/models.py) are the data it reads."""
