"""Django-free engines: usable, testable and benchmarkable alone."""
