"""Pure domain rules: stages and working days, permissions, chat settings as values, stock
risk, time zones. No aiogram, no storage, no I/O and no clock reads: callers pass `now`."""
