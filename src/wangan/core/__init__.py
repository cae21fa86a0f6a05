"""Shared kernel: audit trail, working-day calendar, deadlines, files, notifications, jobs."""
