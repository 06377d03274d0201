"""Pure study-record domain shared by client and server."""
