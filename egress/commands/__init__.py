"""The CLI verbs, one module each."""
