"""Keeping an archive well: recovery after a dead import and upgrades' data work in short
steps (recovery), consistent backups (backup)."""
