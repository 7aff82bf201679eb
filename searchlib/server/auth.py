"""The admin key that writes need: read from a file or ``$SEARCHLIB_ADMIN_KEY``, checked
in constant time. Never a command-line argument (it would show in ``ps``)."""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from starlette.requests import Request

from .problems import Problem

__all__ = ["ENV_KEY", "load_admin_key", "require_admin"]

ENV_KEY = "SEARCHLIB_ADMIN_KEY"
#: Shorter keys are refused: they can be guessed.
MIN_KEY_CHARS = 16


def load_admin_key(key_file: str | os.PathLike[str] | None = None) -> str | None:
    """The admin key from ``key_file`` (its first line), else from ``$SEARCHLIB_ADMIN_KEY``.

    Returns:
        The key, or None when neither gives one (writes are then refused).

    Raises:
        ValueError: the file cannot be read, or the key is too short.
    """
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the admin key file {str(key_file)!r}: {exc}") from None
        key: str | None = text.strip().splitlines()[0].strip() if text.strip() else ""
        where = f"the admin key file {str(key_file)!r}"
    else:
        key = os.environ.get(ENV_KEY)
        where = f"${ENV_KEY}"
        if key is None:
            return None
        key = key.strip()
    if not key or len(key) < MIN_KEY_CHARS:
        raise ValueError(f"{where} holds a key shorter than {MIN_KEY_CHARS} characters; "
                         "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return key


def require_admin(request: Request, admin_key: str | None, read_only: bool) -> None:
    """Let a write through only with ``Authorization: Bearer <admin key>``.

    Raises:
        Problem: ``writes-disabled`` (403) when the server is read-only or has no
            key; ``unauthorized`` (401) when the key is missing or wrong.
    """
    if read_only:
        raise Problem("writes-disabled", "this server was started with --read-only")
    if admin_key is None:
        raise Problem("writes-disabled", "writes need an admin key, and this server has none: "
                      f"start it with --admin-key-file FILE or ${ENV_KEY}")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    ok = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"),
                                                            admin_key.encode("utf-8"))
    if not ok:
        raise Problem("unauthorized", "send the admin key as 'Authorization: Bearer <key>'",
                      headers={"WWW-Authenticate": 'Bearer realm="searchlib"'})
