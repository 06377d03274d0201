"""Face verification: frame sources, liveness and matching (filled by the face verification issue)."""
