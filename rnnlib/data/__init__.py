"""Corpora and text: the checksummed dataset registry, character and word vocabularies, padding."""
