"""Fetching URLs through one interface, so tests and other transports can swap it.

The default :class:`HttpFetcher` uses httpx with a timeout, redirects followed and a size
cap enforced while streaming. Tests pass their own :class:`Fetcher` or point the default at
a server on 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from ..errors import FetchError, InputTooLarge
from ..settings import Options


@dataclass(frozen=True, slots=True)
class Fetched:
    """The body of a fetched URL and what the server said it is."""

    url: str
    data: bytes
    content_type: str


class Fetcher(Protocol):
    """Anything that turns a URL into bytes."""

    def fetch(self, url: str) -> Fetched:
        """Return the body of ``url`` or raise :class:`FetchError`."""
        ...


class HttpFetcher:
    """Fetch over HTTP(S) with httpx, refusing bodies over ``options.max_bytes``."""

    def __init__(self, options: Options) -> None:
        self.options = options

    def fetch(self, url: str) -> Fetched:
        """Return the body of ``url`` or raise :class:`FetchError`."""
        limit = self.options.max_bytes
        headers = {"User-Agent": self.options.user_agent}
        try:
            with (
                httpx.Client(timeout=self.options.fetch_timeout, follow_redirects=True, headers=headers) as client,
                client.stream("GET", url) as response,
            ):
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}", source=url)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise InputTooLarge(f"response is over the {limit:,}-byte limit", source=url)
                    chunks.append(chunk)
                return Fetched(str(response.url), b"".join(chunks), response.headers.get("content-type", ""))
        except httpx.HTTPError as e:
            raise FetchError(f"cannot fetch: {e}", source=url) from e
