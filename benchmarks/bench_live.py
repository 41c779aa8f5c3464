"""What the API's conveniences cost (issue 27): ``fields=``, ``facet=``, ``/api/sql`` and the
change feed, each against the plain request it adds to, measured in the same run.

Run with ``.venv/bin/python -m benchmarks live``. Uses the catalog and schedule store in
``$COSMODROME_HOME``; without a catalog, builds one from ``../shared/data`` in a temporary
folder first and keeps the mirror's two schedule snapshots. Requests go through the ASGI
app in process (no network), the response cache off so every request is computed.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from functools import partial
from pathlib import Path

from benchmarks.common import SHARED_DATA, best_of, report
from cosmodrome import api, config
from cosmodrome.catalog.build import build_catalog
from cosmodrome.web.app import ServerOptions, create_app

REPEAT = 15
#: (name, baseline URL, URL with the convenience)
CASES = [
    (
        "fields=, 1000 launches, JSON",
        "/api/launches?limit=1000",
        "/api/launches?limit=1000&fields=launch_tag,time_utc",
    ),
    (
        "fields=, every launch, CSV",
        "/api/launches?format=csv",
        "/api/launches?format=csv&fields=launch_tag,site",
    ),
    (
        "facet= (4 facets), Baikonur",
        "/api/launches?site=Baikonur",
        "/api/launches?site=Baikonur&facet=site,vehicle,state,year",
    ),
    (
        "/api/sql count vs /api/launches",
        "/api/launches?site=GIK-5&limit=0",
        "/api/sql?sql=SELECT%20count(*)%20FROM%20launches%20WHERE%20site%20%3D%20%24s&s=GIK-5",
    ),
    ("changes.atom vs /api/changes", "/api/changes", "/api/changes.atom"),
]


def home() -> Path:
    folder = config.home()
    if config.catalog_path(folder).is_file():
        return folder
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    build_catalog(str(SHARED_DATA), folder)
    api.update_schedule(str(SHARED_DATA), folder)
    return folder


def main() -> None:
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    os.environ.setdefault("COSMODROME_WEB_CACHE_ENTRIES", "0")
    client = TestClient(create_app(home(), cache_entries=0, options=ServerOptions()))
    rows: list[tuple[str, float, float | None]] = []
    for name, plain, convenient in CASES:
        for url in (plain, convenient):
            assert client.get(url).status_code == 200, url  # warm, and a real answer
        base = best_of(REPEAT, partial(client.get, plain))
        with_it = best_of(REPEAT, partial(client.get, convenient))
        rows += [(f"{name}: without", base, None), (f"{name}: with", with_it, with_it / base)]
    report("API conveniences, best of 15, in process", rows)


if __name__ == "__main__":
    main()
