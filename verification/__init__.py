"""Face verification: frame sources, liveness and matching."""
