"""Page benchmark: the pages each role uses most, under the production server (gunicorn).

``python -m bench pages`` (defaults) or ``python -m bench.pages --requests N --clients N``,
with ``DATABASE_URL`` naming an already-loaded database (the demo, or
``load_demo --scale national``). See docs/benchmarks.md, "Pages".

- ``catalogue``: the pages, their role and how each finds its URL in the database;
- ``samples``: the people and records the pages are read as or about, and their sessions;
- ``server``: gunicorn with DEBUG off and collected, hashed static files;
- ``load``: several concurrent keep-alive clients and the percentiles;
- ``cpu``: the server's and the database's CPU time a request, from ``/proc``;
- ``run``: the whole run and its Markdown table.
"""
