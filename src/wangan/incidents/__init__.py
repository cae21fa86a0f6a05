"""Security incidents, A/B classification, emergency response clocks, special periods and duty rosters."""
