"""The composition root: builds the database, the services and the faces (bot, admin, and for the
demo the sandbox) into one running process. `yinling.cli` calls into it; the core never imports it.
(DESIGN.md lists no such folder: it exists so that yinling/ stays free of telegram and aiohttp.)"""
