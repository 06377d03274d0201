"""Face verification: frame sources, liveness and matching.

Filled by the face verification issue."""
