"""Security O&M contracts: service items, schedules, deliverables, monthly scoring, penalties (seed 004)."""
