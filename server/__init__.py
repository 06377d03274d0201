"""The platform server, the authority that credits time (filled by the platform server issue)."""
