"""Forms for the awards pages, one module per page group (like views)."""
