"""Nornir tasks of egress: one module per verb; each wires I/O around pure helpers."""
