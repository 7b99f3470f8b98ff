"""What the bot shows: alert texts and keyboards, the digest and advice texts, the chart."""
