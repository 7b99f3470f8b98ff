"""Secrets and abuse: API keys at rest, per-user throttling, the wrong-key wait, button
tokens, bounded maps for outsider-chosen keys."""
