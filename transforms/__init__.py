"""Wirestream stages: Beam transforms and the plain NLP logic they wrap."""
