"""The write side of the API: add, replace, delete and upload articles (admin key needed).

One writer at a time: a second write in this process, or a writer in another
process holding the index past its lock timeout, answers 503 with Retry-After.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

from ..models import IngestReport
from .api import json_object
from .auth import require_admin
from .limits import read_body
from .problems import Problem
from .results import json_response
from .state import ServerState

__all__ = ["WriteApi"]

T = TypeVar("T")
JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")
#: File names an upload may have (the reader is chosen by the name).
UPLOAD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt")
RETRY_AFTER = "2"


def _records(body: bytes, media: str) -> list[Any]:
    """The records of a JSON array or NDJSON body.

    Raises:
        Problem: ``invalid-body`` naming the line that is not JSON.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem("invalid-body", f"the body is not UTF-8: {exc}") from None
    if media in NDJSON_TYPES:
        records = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise Problem("invalid-body", f"line {number} is not JSON: {exc}", line=number) from None
        return records
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Problem("invalid-body", f"the body is not JSON: {exc}") from None
    if not isinstance(data, list):
        raise Problem("invalid-body", "send a JSON array of articles (or NDJSON, one a line), "
                      f"not a JSON {type(data).__name__}")
    return data


def _safe_name(name: str | None, number: int) -> str:
    """A file name for an upload: its base name, tame characters, a known suffix."""
    base = os.path.basename((name or "").replace("\\", "/")) or f"upload-{number}.jsonl"
    base = re.sub(r"[^\w.\-]", "_", base)[-100:].lstrip(".") or f"upload-{number}"
    stem = base[:-3] if base.lower().endswith(".gz") else base
    if not stem.lower().endswith(UPLOAD_SUFFIXES):
        raise Problem("unsupported-media-type", f"cannot ingest {name!r}: name files "
                      f"{', '.join(UPLOAD_SUFFIXES)} (optionally .gz)", file=name)
    return f"{number:03d}-{base}"


def _public_report(report: IngestReport, folder: str) -> dict[str, Any]:
    """The report without the temporary folder's path in it."""
    out = report.to_dict()
    prefix = folder.rstrip(os.sep) + os.sep

    def strip(text: str) -> str:
        return re.sub(r"(^|\s)\d{3}-", r"\1", text.replace(prefix, ""), count=1)

    for failure in out["failed"]:
        failure["path"] = strip(failure["path"])
        failure["source"] = strip(failure["source"])
        failure["reason"] = failure["reason"].replace(prefix, "")
    out["skipped"] = [strip(s) for s in out["skipped"]]
    return out


class WriteApi:
    """Writes, each behind the admin key and the one-writer rule."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("/v1/articles", self.add, methods=["POST"]),
            Route("/v1/articles/{id}", self.put, methods=["PUT"]),
            Route("/v1/articles/{id}", self.delete, methods=["DELETE"]),
            Route("/v1/ingest", self.upload, methods=["POST"]),
        ]

    def _authorize(self, request: Request) -> None:
        require_admin(request, self.state.admin_key, self.state.read_only)

    async def _write(self, work: Callable[[], T]) -> T:
        """Run ``work`` in a thread as the only writer of this process."""
        if not self.state.write_lock.acquire(blocking=False):
            raise Problem("index-locked", "another write is under way; try again shortly",
                          headers={"Retry-After": RETRY_AFTER})
        try:
            return await run_in_threadpool(work)
        finally:
            self.state.write_lock.release()

    def _check_count(self, n: int) -> None:
        limit = self.state.limits.max_articles
        if n > limit:
            raise Problem("too-many-articles", f"{n:,} articles in one request; the limit is "
                          f"{limit:,}: send them in smaller batches", limit=limit)

    async def add(self, request: Request) -> Response:
        """``POST /v1/articles``: a JSON array or NDJSON of articles; the IngestReport back."""
        self._authorize(request)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in JSON_TYPES + NDJSON_TYPES:
            raise Problem("unsupported-media-type",
                          f"send application/json (an array) or application/x-ndjson, not {media!r}")
        records = _records(await read_body(request, self.state.limits.max_body_bytes), media)
        self._check_count(len(records))
        report = await self._write(lambda: self.state.index.add(records))
        return json_response(report.to_dict())

    async def put(self, request: Request) -> Response:
        """``PUT /v1/articles/{id}``: add or replace one article (201 when new)."""
        self._authorize(request)
        record = await json_object(request, self.state.limits.max_body_bytes)
        article_id = request.path_params["id"]
        given = record.get("id")
        if given is not None and str(given).strip() != article_id.strip():
            raise Problem("invalid-article", f"the body's id {given!r} is not the URL's {article_id!r}",
                          field="id")
        record["id"] = article_id
        report = await self._write(lambda: self.state.index.add([record]))
        if report.failed:
            raise Problem("invalid-article", report.failed[0].reason, report=report.to_dict())
        return json_response(report.to_dict(), status=201 if report.added else 200)

    async def delete(self, request: Request) -> Response:
        """``DELETE /v1/articles/{id}``: 204, or 404 when there was no such article."""
        self._authorize(request)
        article_id = request.path_params["id"]
        if not await self._write(lambda: self.state.index.delete(article_id)):
            raise Problem("article-not-found", f"no article with id {article_id!r} in the index",
                          id=article_id)
        return Response(status_code=204)

    async def upload(self, request: Request) -> Response:
        """``POST /v1/ingest``: files uploaded as multipart/form-data field ``file``."""
        self._authorize(request)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "multipart/form-data":
            raise Problem("unsupported-media-type", "upload files as multipart/form-data (field 'file')")
        body = await read_body(request, self.state.limits.max_body_bytes)

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(request.scope, replay).form(max_files=100, max_fields=100)
        except Exception as exc:  # python-multipart's and Starlette's parse errors
            raise Problem("invalid-body", f"the multipart body cannot be read: {exc}") from None
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        if not files:
            raise Problem("invalid-body", "no file in the upload: send it in the form field 'file'")
        with tempfile.TemporaryDirectory(prefix="searchlib-upload-") as folder:
            for number, upload in enumerate(files, 1):
                path = os.path.join(folder, _safe_name(upload.filename, number))
                with open(path, "wb") as out:
                    out.write(await upload.read())
            report = await self._write(lambda: self.state.index.ingest([folder]))
            return json_response(_public_report(report, folder))
