"""Wangan 网安服务平台 — regional cybersecurity public-service platform."""

__version__ = "0.1.0"
