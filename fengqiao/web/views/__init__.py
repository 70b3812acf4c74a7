"""The server-rendered pages, one module per page (or per page and its partials)."""
