"""One-tap responses from an alert (cancel all or some items, message the buyer, the dates Ozon
lets a seller set, the rFBS steps, ask Ozon for time, team steps), and the settling of actions
a crash cut short."""
