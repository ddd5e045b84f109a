"""The console views, one module per page of the navigation."""
