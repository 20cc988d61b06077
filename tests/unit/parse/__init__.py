"""Tests of the parsing layer (egress.parse)."""
