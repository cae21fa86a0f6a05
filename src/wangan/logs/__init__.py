"""Log analysis service: sources, collection, detection, correlation, attack chains, reports."""
