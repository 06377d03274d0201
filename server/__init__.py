"""The platform server, the authority that credits time."""
