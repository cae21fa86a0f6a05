"""Documents (DOCX/PDF) and dashboards."""
