"""One-tap responses from an alert (cancel, message the buyer, extend, ask Ozon for time, team
steps), and the settling of actions a crash cut short."""
