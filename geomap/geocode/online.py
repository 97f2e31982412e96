"""Online geocoders through geopy: off by default, asked only for what the offline gazetteer cannot place.

Every backend geopy supports is available by name (:data:`BACKENDS`).  A real
user agent is required.  Requests go through geopy's RateLimiter (at most one
per second: Nominatim's usage policy); timeouts, 429 (honouring Retry-After)
and 5xx are retried with exponential backoff; every answer, "no result"
included, is cached in SQLite so nothing is asked twice.  geopy's errors
become geomap's here, at this one seam.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from geopy import exc as geopy_exc
from geopy.adapters import URLLibAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import SERVICE_TO_GEOCODER

from geomap.config import load_settings
from geomap.errors import ConfigError, GeocoderError, GeocoderUnavailableError
from geomap.gazetteer.boundaries import country_at, find_country
from geomap.geocode.cache import CachedAnswer, GeocodeCache
from geomap.model import GeoPrecision, Place

log = logging.getLogger(__name__)

#: backend name → geopy geocoder class (everything geopy supports)
BACKENDS = dict(SERVICE_TO_GEOCODER)
MIN_DELAY_S = {"nominatim": 1.0}  # seconds between requests; 1.0 for any backend not listed
DEFAULT_MIN_DELAY_S = 1.0
_RETRYABLE = (geopy_exc.GeocoderTimedOut, geopy_exc.GeocoderUnavailable, geopy_exc.GeocoderServiceError)
_PRECISION_BY_TYPE = {"country": 4, "state": 3, "region": 3, "province": 3, "county": 2, "district": 2}


class _Limiter(RateLimiter):
    """geopy's RateLimiter with the clock and sleep injected (so tests need not wait)."""

    def __init__(
        self, func: Callable, *, min_delay: float, sleep: Callable[[float], None], clock: Callable[[], float]
    ) -> None:
        super().__init__(func, min_delay_seconds=min_delay, max_retries=0, swallow_exceptions=False)
        self._injected_sleep, self._injected_clock = sleep, clock

    def _sleep(self, seconds: float) -> None:
        self._injected_sleep(seconds)

    def _clock(self) -> float:
        return self._injected_clock()


class OnlineGeocoder:
    """One online backend with rate limiting, retries and a cache."""

    def __init__(
        self,
        backend: str,
        *,
        user_agent: str,
        cache: GeocodeCache | None = None,
        options: dict | None = None,
        max_retries: int = 3,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(
                f"unknown online geocoder {backend!r}; choose one of {', '.join(sorted(BACKENDS))}"
            )
        if not user_agent or not user_agent.strip() or user_agent.startswith("geopy/"):
            raise ConfigError(
                "online geocoders need a user agent that identifies you, e.g. 'geomap (you@example.org)'"
            )
        self.backend = backend
        self.cache = (
            cache if cache is not None else GeocodeCache(load_settings().home / "geocode_cache.sqlite")
        )
        # retries happen here with an injectable sleep, not hidden in the HTTP adapter (requests retries 429s)
        options = {"adapter_factory": URLLibAdapter, **(options or {})}
        self._geocoder = BACKENDS[backend](user_agent=user_agent, **options)
        self._max_retries, self._backoff, self._sleep = max_retries, backoff_s, sleep
        delay = MIN_DELAY_S.get(backend, DEFAULT_MIN_DELAY_S)
        self._call = _Limiter(self._geocoder.geocode, min_delay=delay, sleep=sleep, clock=clock)

    def geocode(self, query: str, *, country: str | None = None) -> Place | None:
        """The place the service finds for ``query`` (within ``country`` when given), or None.

        Raises
        ------
        GeocoderUnavailableError
            When the service cannot be reached after the retries.
        GeocoderError
            When it answers something that is not a geocoding result.
        """
        within = find_country(country) if country else None
        code = within.iso2 if within else None
        cached = self.cache.get(self.backend, query, code)
        if cached is None:
            cached = self._ask(query, code)
            self.cache.put(self.backend, query, code, cached)
        if not cached.found:
            return None
        return self._place(query, cached, code)

    def _ask(self, query: str, code: str | None) -> CachedAnswer:
        kwargs = {"country_codes": code.lower()} if code and self.backend == "nominatim" else {}
        for attempt in range(self._max_retries + 1):
            try:
                location = self._call(query, **kwargs)
            except geopy_exc.GeocoderRateLimited as err:
                wait = err.retry_after if err.retry_after is not None else self._backoff * 2**attempt
                log.info("%s: rate limited, waiting %.1f s", self.backend, wait)
                self._sleep(float(wait))
            except _RETRYABLE as err:
                log.info("%s: %s; retrying", self.backend, err)
                self._sleep(self._backoff * 2**attempt)
            except geopy_exc.GeopyError as err:
                raise GeocoderError(f"{self.backend}: {err}") from err
            else:
                if location is None:
                    return CachedAnswer(False)
                return CachedAnswer(
                    True, location.address, location.latitude, location.longitude, location.raw
                )
        raise GeocoderUnavailableError(f"{self.backend}: no answer after {self._max_retries + 1} attempts")

    def _place(self, query: str, answer: CachedAnswer, code: str | None) -> Place | None:
        inside = country_at(answer.lat, answer.lon)
        if code and (inside is None or inside.iso2 != code):
            log.info("%s placed %r outside %s: ignored", self.backend, query, code)
            return None
        kind = str((answer.raw or {}).get("addresstype") or (answer.raw or {}).get("type") or "")
        precision = GeoPrecision(_PRECISION_BY_TYPE.get(kind, 1))
        return Place(
            name=answer.name,
            lat=answer.lat,
            lon=answer.lon,
            geo_precision=precision,
            confidence=0.6,
            country=inside.iso2 if inside else "",
            iso3=inside.iso3 if inside else "",
            origin=f"online:{self.backend}",
            reason=f"not in the offline gazetteer; {self.backend} answered {answer.name!r}",
        )


def online_geocoders(
    names: tuple[str, ...], *, user_agent: str, cache_path: Path | None = None
) -> list[OnlineGeocoder]:
    """The backends the user turned on (``GEOMAP_ONLINE=nominatim,photon``), sharing one cache."""
    if not names:
        return []
    cache = GeocodeCache(cache_path or load_settings().home / "geocode_cache.sqlite")
    return [OnlineGeocoder(n, user_agent=user_agent, cache=cache) for n in names]
