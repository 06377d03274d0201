"""The platform API's wire format: pydantic models of the request bodies the platform
server takes and of every answer it gives. The server validates and documents its API
with them (its `/openapi.json` is built from them); the client parses the answers with
the very same models. Pydantic and the standard library only: no server, no Qt."""
