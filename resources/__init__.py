"""Translations and other data files shipped with the client."""
