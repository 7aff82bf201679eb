"""``searchlib serve``: a JSON API and a search page over one index (optional extra ``server``).

    from searchlib.server import create_app
    app = create_app("index_data/index")      # an ASGI app: run it, or mount it in yours

Needs ``pip install 'searchlib[server]'`` (Starlette, uvicorn, python-multipart).
"""

from __future__ import annotations

from .app import create_app
from .limits import Limits

__all__ = ["create_app", "Limits"]
