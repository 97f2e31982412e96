"""Online geocoders: real geopy code against a fake service on 127.0.0.1 — never the internet."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from geomap.errors import ConfigError, GeocoderError, GeocoderUnavailableError
from geomap.geocode import Resolver
from geomap.geocode.cache import GeocodeCache
from geomap.geocode.online import BACKENDS, OnlineGeocoder

KIDAL = [
    {"lat": "18.4411", "lon": "1.4078", "display_name": "Kidal, Région de Kidal, Mali", "addresstype": "town"}
]


class FakeNominatim(http.server.BaseHTTPRequestHandler):
    """Answers by query (see do_GET) and records every request it gets."""

    requests: ClassVar[list[str]] = []
    failures: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        FakeNominatim.requests.append(query)
        left = FakeNominatim.failures.get(query, 0)
        if left:
            FakeNominatim.failures[query] = left - 1
        if query == "slow":
            time.sleep(1.5)
            return self._json(KIDAL)
        if query == "limited" and left:
            return self._reply(429, b"slow down", {"Retry-After": "7"})
        if query == "broken" and left:
            return self._reply(500, b"oops")
        if query == "garbage":
            return self._reply(200, b"{not json", {"Content-Type": "application/json"})
        if query == "Paris":
            return self._json(
                [{"lat": "48.85", "lon": "2.35", "display_name": "Paris, France", "addresstype": "city"}]
            )
        if query in ("Kidal", "limited", "broken"):
            return self._json(KIDAL)
        return self._json([])

    def _json(self, payload) -> None:
        self._reply(200, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def _reply(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def service():
    FakeNominatim.requests = []
    FakeNominatim.failures = {"limited": 1, "broken": 2}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Clock:
    """Injected time: sleeping advances it instantly, and every sleep is recorded."""

    def __init__(self) -> None:
        self.now, self.sleeps = 1000.0, []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 2))
        self.now += seconds

    def clock(self) -> float:
        return self.now


def _geocoder(domain: str, tmp_path, clock: Clock, **kwargs) -> OnlineGeocoder:
    return OnlineGeocoder(
        "nominatim",
        user_agent="geomap-tests/0.1 (tests@example.org)",
        cache=GeocodeCache(tmp_path / "cache.sqlite"),
        options={"domain": domain, "scheme": "http", "timeout": 0.5},
        sleep=clock.sleep,
        clock=clock.clock,
        **kwargs,
    )


def test_success_is_cached_across_restarts(service, tmp_path) -> None:
    clock = Clock()
    place = _geocoder(service, tmp_path, clock).geocode("Kidal", country="Mali")
    assert (place.lat, place.lon, place.origin, place.country) == (18.4411, 1.4078, "online:nominatim", "ML")
    assert FakeNominatim.requests == ["Kidal"]
    again = _geocoder(service, tmp_path, Clock()).geocode("kidal", country="ML")  # a new process, same cache
    assert again.lat == 18.4411
    assert FakeNominatim.requests == ["Kidal"]  # not asked twice


def test_no_result_is_none_and_cached(service, tmp_path) -> None:
    geocoder = _geocoder(service, tmp_path, Clock())
    assert geocoder.geocode("Tinkarène") is None
    assert geocoder.geocode("Tinkarène") is None
    assert FakeNominatim.requests == ["Tinkarène"]


def test_requests_are_spaced_by_the_rate_limit(service, tmp_path) -> None:
    clock = Clock()
    geocoder = _geocoder(service, tmp_path, clock)
    geocoder.geocode("Kidal")
    geocoder.geocode("Ménaka")
    assert clock.sleeps == [1.0]  # Nominatim: at most one request per second


def test_429_honours_retry_after(service, tmp_path) -> None:
    clock = Clock()
    assert _geocoder(service, tmp_path, clock).geocode("limited").lat == 18.4411
    assert 7.0 in clock.sleeps
    assert FakeNominatim.requests == ["limited", "limited"]


def test_5xx_is_retried_with_backoff(service, tmp_path) -> None:
    clock = Clock()
    assert _geocoder(service, tmp_path, clock, backoff_s=2.0).geocode("broken").lat == 18.4411
    assert [s for s in clock.sleeps if s >= 2] == [2.0, 4.0]
    assert FakeNominatim.requests.count("broken") == 3


def test_timeouts_give_up_with_a_clear_error(service, tmp_path) -> None:
    clock = Clock()
    with pytest.raises(GeocoderUnavailableError, match="no answer after 2 attempts"):
        _geocoder(service, tmp_path, clock, max_retries=1).geocode("slow")


def test_malformed_json_is_a_geocoder_error(service, tmp_path) -> None:
    with pytest.raises(GeocoderError, match="nominatim"):
        _geocoder(service, tmp_path, Clock()).geocode("garbage")


def test_connection_refused_is_unavailable(tmp_path) -> None:
    with socket.socket() as held:
        held.bind(
            ("127.0.0.1", 0)
        )  # bound, never listening: connections are refused, and no one else gets it
        port = held.getsockname()[1]
        geocoder = _geocoder(f"127.0.0.1:{port}", tmp_path, Clock(), max_retries=1)
        with pytest.raises(GeocoderUnavailableError):
            geocoder.geocode("Kidal")
    assert geocoder.cache.path == tmp_path / "cache.sqlite"  # an empty cache given is the cache used


def test_answers_outside_the_country_are_ignored(service, tmp_path) -> None:
    assert _geocoder(service, tmp_path, Clock()).geocode("Paris", country="ML") is None


def test_the_resolver_asks_online_only_for_what_it_cannot_place(service, tmp_path, fresh_gazetteer) -> None:
    online = _geocoder(service, tmp_path, Clock())
    resolver = Resolver(fresh_gazetteer, online=[online])
    assert resolver.resolve("Gao", context="in Mali").origin == "embedded"
    assert resolver.resolve("Tinkarène-Ouest", context="in Mali").needs_review  # the service knows nothing
    assert FakeNominatim.requests == ["Tinkarène-Ouest"]


def test_backends_by_name_and_a_real_user_agent(tmp_path) -> None:
    assert {"nominatim", "photon", "geonames", "arcgis"} <= set(BACKENDS)
    with pytest.raises(ConfigError, match="photon, pickpoint"):
        OnlineGeocoder("google-maps-free", user_agent="x (y@z)", cache=GeocodeCache(tmp_path / "c.sqlite"))
    with pytest.raises(ConfigError, match="user agent"):
        OnlineGeocoder("nominatim", user_agent="", cache=GeocodeCache(tmp_path / "c.sqlite"))
