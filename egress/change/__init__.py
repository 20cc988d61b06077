"""The change record: its directory, the backup vault, redaction, device locks, private
temporary files, retention."""
