"""Pure study-record domain shared by client and server (filled by the study records issue)."""
