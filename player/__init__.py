"""The locked course player: libVLC in a Qt window that cannot be sped up or skipped."""
