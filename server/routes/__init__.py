"""The platform API's routers, one per area; `server.api` assembles them. A handler only
translates: it parses the request, opens one transaction, calls a service and returns
its answer, a `wire` model."""
