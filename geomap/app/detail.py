"""The app's detail panel: the sources behind one event, its place and its geocoder's candidates, and the
review form that saves corrections (:mod:`geomap.corrections`), on both the small and the large path."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from geomap.errors import GeomapError
from geomap.model import ClaimStatus, EventType

if TYPE_CHECKING:
    import geopandas as gpd

    from geomap.store import Store

CHOOSER_LIMIT = 2_000  # events listed in the event chooser; longer views are chosen from the map or table
CREDIBILITY_WORDS = {
    1: "1 confirmed",
    2: "2 probably true",
    3: "3 possibly true",
    4: "4 doubtful",
    5: "5 improbable",
    6: "6 cannot be judged",
}


@st.cache_resource(show_spinner="Opening the gazetteer…")
def resolver():
    """The offline resolver (gazetteer index), opened once per server, when first needed."""
    from geomap.geocode.resolve import default_resolver  # loaded when first needed, not to show the map

    return default_resolver()


def labels(events: pd.DataFrame) -> pd.Series:
    """ "date · type · place" for each event, by event_id."""
    place = events["location"].fillna(events["country"]).fillna("")
    text = events["event_date"].fillna("") + " · " + events["event_type"].fillna("") + " · " + place
    return pd.Series(text.str.rstrip(" ·").to_numpy(), index=events["event_id"].astype(str).to_numpy())


def show_detail(view: gpd.GeoDataFrame, sources, evidence, rejected: list[str], store: Store) -> None:
    from geomap.mapping.annotate import event_annotation

    st.subheader("Sources behind an event")
    ids = view["event_id"].astype(str).tolist()
    extra = [e for e in st.session_state.get("here", []) if e in ids]
    if len(extra) > 1:
        st.caption(f"{len(extra)} events at the point clicked; choose one below.")
    if st.session_state.get("pick") not in ids:
        st.session_state["pick"] = None
    names = labels(view).to_dict()
    # a long view is chosen from through the map and the table; the list offers what was picked there
    offered = (
        ids
        if len(ids) <= CHOOSER_LIMIT
        else list(dict.fromkeys([*extra, st.session_state["pick"]] if st.session_state["pick"] else extra))
    )
    chosen = st.selectbox(
        "Event",
        [None, *offered],
        format_func=lambda e: "— click a marker or a table row —" if e is None else names[e],
        key="pick",
    )
    if chosen is None:
        return
    event = view[view["event_id"].astype(str) == chosen].iloc[0]
    own = evidence[evidence["event_id"] == chosen]
    cited = sources[sources["source_id"].isin(own["source_id"])]  # only this event's, not the whole store's
    by_id = {str(r["source_id"]): r for r in cited.to_dict("records")}
    left, right = st.columns([3, 2])
    with left:
        st.html(event_annotation(event.to_dict(), evidence=own.to_dict("records"), sources=by_id))
    with right:
        show_place(event)
    review(event, store, rejected=chosen in rejected)


def show_place(event: pd.Series) -> None:
    """The place with its precision and the geocoder's other candidates (as plain text)."""
    from geomap.mapping.annotate import GEO_PRECISION_WORDS

    precision = int(event["geo_precision"]) if pd.notna(event["geo_precision"]) else 1
    st.markdown("**Place**")
    lat, lon = event["latitude"], event["longitude"]
    where = f"{lat:.4f}, {lon:.4f}" if pd.notna(lat) else "no coordinates"
    place = _text(event["location"]) or "—"
    st.text(f"{place} ({where})\nlocation: {GEO_PRECISION_WORDS.get(precision, '')}")
    if isinstance(event["place_mention"], str) and event["place_mention"]:
        st.text(f"written as: {event['place_mention']}")
    candidates = place_candidates(_text(event["place_mention"]), _text(event["iso3"]))
    if candidates:
        st.caption("Other places the geocoder considered")
        st.dataframe(pd.DataFrame(candidates, columns=["place", "why not"]), hide_index=True, width="stretch")


@st.cache_data(max_entries=256)
def place_candidates(mention: str, iso3: str) -> list[tuple[str, str]]:
    if not mention:
        return []
    place = resolver().resolve(mention, country=iso3 or None)
    return list(place.candidates) if place is not None else []


@st.cache_data(max_entries=256)
def namesakes(mention: str) -> list[dict]:
    """Gazetteer entries named like the mention, to move an event to another one."""
    if not mention:
        return []
    found = resolver().gazetteer.lookup(mention)
    return [
        {"name": e.name, "lat": e.lat, "lon": e.lon, "country": e.country, "admin1": e.admin1,
         "geonameid": e.geonameid, "region": e.is_region}
        for e in found[:30]
    ]  # fmt: skip


def review(event: pd.Series, store: Store, *, rejected: bool) -> None:
    """Correct the event; every changed field is saved as a correction with who and when."""
    with st.expander("Review and correct this event"):
        if rejected:
            st.warning("Marked not-an-event: hidden from the map, the table and the exports.")
        if isinstance(event.get("reviewed"), str) and event["reviewed"]:
            st.caption("Corrected before:")
            st.text(event["reviewed"])
        types = [t.value for t in EventType]
        statuses = [c.value for c in ClaimStatus]
        mention = _text(event["place_mention"]) or _text(event["location"])
        options = namesakes(mention)
        clicked = st.session_state.get("clicked_point")
        places = ["keep"] + [f"gazetteer {i}" for i in range(len(options))]
        if clicked:
            places.append("clicked")
        places.append("coordinates")

        def place_words(key: str) -> str:
            if key == "keep":
                return f"keep: {_text(event['location']) or '—'}"
            if key == "clicked":
                return f"the point last clicked on the map ({clicked['lat']:.4f}, {clicked['lng']:.4f})"
            if key == "coordinates":
                return "these coordinates:"
            o = options[int(key.split()[1])]
            kind = "region" if o["region"] else "place"
            return f"{o['name']} ({kind}, {o['country']} {o['admin1']}, {o['lat']:.3f}, {o['lon']:.3f})"

        with st.form("review-form"):
            who = st.text_input("Your name (kept with the correction)", value=st.session_state.get("who", ""))
            event_type = st.selectbox(
                "Event type",
                types,
                index=types.index(event["event_type"]) if event["event_type"] in types else 0,
            )
            sub_type = st.text_input("Sub-event type", value=_text(event["sub_event_type"]))
            actor1 = st.text_input("Actor 1", value=_text(event["actor1"]))
            actor2 = st.text_input("Actor 2", value=_text(event["actor2"]))
            status = st.selectbox(
                "Claim status",
                statuses,
                index=statuses.index(event["claim_status"]) if event["claim_status"] in statuses else 0,
            )
            cred = int(event["credibility"]) if pd.notna(event["credibility"]) else 6
            credibility = st.selectbox(
                "Credibility", list(CREDIBILITY_WORDS), index=cred - 1, format_func=CREDIBILITY_WORDS.get
            )
            place = st.radio("Place", places, format_func=place_words)
            c1, c2, c3 = st.columns(3)
            lat = c1.number_input("Latitude", -90.0, 90.0, _number(event["latitude"]), format="%.5f")
            lon = c2.number_input("Longitude", -180.0, 180.0, _number(event["longitude"]), format="%.5f")
            name = c3.text_input("Place name", value=_text(event["location"]))
            not_event = st.checkbox("Not an event (hide it everywhere)", value=rejected)
            note = st.text_input("Why (optional)")
            saved = st.form_submit_button("Save corrections")
        if not saved:
            return
        st.session_state["who"] = who
        changes: list[tuple[str, object]] = []
        for field, new, old in [
            ("event_type", event_type, event["event_type"]),
            ("sub_event_type", sub_type, _text(event["sub_event_type"])),
            ("actor1", actor1, _text(event["actor1"])),
            ("actor2", actor2, _text(event["actor2"])),
            ("claim_status", status, event["claim_status"]),
            ("credibility", credibility, cred),
        ]:
            if new != old:
                changes.append((field, new))
        new_place = chosen_place(place, options, clicked, lat, lon, name)
        if new_place is not None:
            changes.append(("place", json.dumps(new_place)))
        if not_event != rejected:
            changes.append(("not_an_event", not_event))
        if not changes:
            st.info("Nothing changed.")
            return
        from geomap.corrections import correct_fields

        try:  # one write for every changed field; a bad value stores none
            correct_fields(store, str(event["event_id"]), changes, who=who, note=note)
        except GeomapError as err:
            st.error("The correction was not saved:")
            st.text(str(err))
            return
        st.session_state["saved"] = [f for f, _ in changes]
        st.rerun()


def _text(value: object) -> str:
    """A table value as text for a widget ("" when missing)."""
    return value if isinstance(value, str) else ""


def _number(value: object) -> float:
    """A coordinate for a widget (0 when missing)."""
    return float(value) if pd.notna(value) else 0.0


def chosen_place(key: str, options: list[dict], clicked, lat: float, lon: float, name: str) -> dict | None:
    if key == "keep":
        return None
    if key == "clicked":
        return {"location": name or f"{clicked['lat']:.4f}, {clicked['lng']:.4f}",
                "latitude": clicked["lat"], "longitude": clicked["lng"], "geo_precision": 1}  # fmt: skip
    if key == "coordinates":
        return {
            "location": name or f"{lat:.4f}, {lon:.4f}",
            "latitude": lat,
            "longitude": lon,
            "geo_precision": 1,
        }
    o = options[int(key.split()[1])]
    return {"location": o["name"], "latitude": o["lat"], "longitude": o["lon"], "geonameid": o["geonameid"],
            "geo_precision": 3 if o["region"] else 1}  # fmt: skip
