"""The composition root: builds the database, the services and the faces (bot, admin, and for the
demo the sandbox) into one running process. The `yinling` command (serve/cli.py) lives here too;
the core never imports this package (tests/unit/test_layers.py holds it to that).
(DESIGN.md lists no such folder: it exists so that yinling/ stays free of telegram and aiohttp.)"""
