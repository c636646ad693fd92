"""Wirestream's entry point, options and pipeline graph."""
