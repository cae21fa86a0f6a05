"""Applications and multi-stage reviews: provider filing, support-unit selection, key parks."""
