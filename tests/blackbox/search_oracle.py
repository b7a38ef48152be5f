"""An independent model of FHIR search over the Synthea bundles, to check Dossier's search counts.

It shares no code with Dossier: values are extracted with `fhirpathpy` (a separate FHIRPath implementation) from
the expressions of the R4 SearchParameters shipped in the repository, and matched with the rules of the FHIR R4
search specification written out plainly here. Only what the representative queries of the tests need is modelled.
"""

from __future__ import annotations

import bz2
import datetime as dt
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import fhirpathpy
from fhirpathpy.models import models

ROOT = Path(__file__).resolve().parents[2]
SYNTHEA = ROOT / "data" / "synthea"
DEFINITIONS = ROOT / "Sources" / "FHIRCore" / "Definitions" / "search-parameters.json"
R4 = models["r4"]
UTC = dt.timezone.utc


@dataclass
class Corpus:
    """Every resource of the bundles, by type, with the map from each entry's fullUrl to its resource."""

    by_type: dict[str, list[dict]] = field(default_factory=dict)
    by_full_url: dict[str, dict] = field(default_factory=dict)

    def resources(self, type_: str) -> list[dict]:
        return self.by_type.get(type_, [])

    def target(self, reference: str) -> dict | None:
        """The resource a bundle reference points to: `urn:uuid:` fullUrls, or `Type?identifier=sys|val` for the
        conditional references of the practitioner and organisation bundles."""
        if reference in self.by_full_url:
            return self.by_full_url[reference]
        if "?identifier=" in reference:
            type_, query = reference.split("?identifier=", 1)
            system, _, value = query.partition("|")
            for r in self.resources(type_):
                if any(i.get("system") == system and i.get("value") == value for i in r.get("identifier", [])):
                    return r
        return None


@functools.lru_cache(maxsize=1)
def corpus() -> Corpus:
    c = Corpus()
    for f in sorted(SYNTHEA.glob("*.json.bz2")):
        with bz2.open(f) as fh:
            for entry in json.load(fh)["entry"]:
                r = entry["resource"]
                c.by_type.setdefault(r["resourceType"], []).append(r)
                if "fullUrl" in entry:
                    c.by_full_url[entry["fullUrl"]] = r
    return c


@functools.lru_cache(maxsize=1)
def _definitions() -> dict[tuple[str, str], str]:
    """(type, code) -> the part of the parameter's expression that applies to that type."""
    result: dict[tuple[str, str], str] = {}
    for entry in json.loads(DEFINITIONS.read_text())["entry"]:
        p = entry["resource"]
        expression = p.get("expression")
        if not expression:
            continue
        for base in p["base"]:
            parts = [s.strip() for s in expression.split(" | ")]
            mine = [s for s in parts if s.lstrip("(").startswith(base + ".")]
            if mine:
                result[(base, p["code"])] = " | ".join(mine)
    return result


_RESOLVE = re.compile(r"\.where\(resolve\(\) is (\w+)\)")


def values(resource: dict, code: str) -> list:
    """The values of search parameter `code` of the resource, by fhirpathpy. `where(resolve() is T)` (which
    fhirpathpy does not implement) is applied here by following the bundle reference."""
    type_ = resource["resourceType"]
    expression = _definitions()[(type_, code)]
    wanted = _RESOLVE.findall(expression)
    found = fhirpathpy.evaluate(resource, _RESOLVE.sub("", expression), model=R4)
    if wanted:
        found = [v for v in found if isinstance(v, dict) and _target_type(v.get("reference", "")) in wanted]
    return found


def _target_type(reference: str) -> str | None:
    target = corpus().target(reference)
    return target["resourceType"] if target else None


# --- matching, per the R4 search specification ---------------------------------------------------------------

def normalize(text: str) -> str:
    """Case- and accent-insensitive form of a string."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def token_matches(value, system: str | None, code: str) -> bool:
    """`system|code` (system None: any system) against a Coding, CodeableConcept, Identifier or code."""
    if isinstance(value, str):
        return system is None and value == code
    if isinstance(value, bool):
        return system is None and ("true" if value else "false") == code
    if isinstance(value, dict):
        if "coding" in value:
            return any(token_matches(c, system, code) for c in value["coding"])
        candidate = value.get("code", value.get("value"))
        return candidate == code and (system is None or value.get("system") == system)
    return False


def string_parts(value) -> list[str]:
    """The strings a string parameter indexes for a value: each part of a HumanName or Address."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        parts: list[str] = []
        for key in ("text", "family", "given", "prefix", "suffix", "line", "city", "district", "state",
                    "postalCode", "country"):
            v = value.get(key)
            if isinstance(v, str):
                parts.append(v)
            elif isinstance(v, list):
                parts.extend(x for x in v if isinstance(x, str))
        return parts
    return []


def string_starts_with(value, prefix: str) -> bool:
    return any(normalize(p).startswith(normalize(prefix)) for p in string_parts(value))


def date_range(text: str) -> tuple[dt.datetime, dt.datetime]:
    """The instant range [low, high] a FHIR date/dateTime value covers, from its precision (no zone: UTC)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?", text)
    assert m, text
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    tz = UTC
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    y = int(year)
    if month is None:
        return dt.datetime(y, 1, 1, tzinfo=tz), dt.datetime(y + 1, 1, 1, tzinfo=tz) - dt.timedelta(microseconds=1)
    mo = int(month)
    if day is None:
        end = dt.datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=tz)
        return dt.datetime(y, mo, 1, tzinfo=tz), end - dt.timedelta(microseconds=1)
    d = dt.datetime(y, mo, int(day), tzinfo=tz)
    if hour is None:
        return d, d + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    start = d.replace(hour=int(hour), minute=int(minute))
    if second is None:
        return start, start + dt.timedelta(minutes=1) - dt.timedelta(microseconds=1)
    start = start.replace(second=int(second))
    if fraction:
        micro = int((fraction[1:] + "000000")[:6])
        digits = len(fraction) - 1
        step = dt.timedelta(microseconds=10 ** max(0, 6 - digits))
        start = start.replace(microsecond=micro)
        return start, start + step - dt.timedelta(microseconds=1)
    return start, start + dt.timedelta(seconds=1) - dt.timedelta(microseconds=1)


def value_range(value) -> tuple[dt.datetime, dt.datetime] | None:
    """The range of a date-typed value: a date/dateTime/instant string or a Period."""
    if isinstance(value, str):
        return date_range(value)
    if isinstance(value, dict) and ("start" in value or "end" in value):
        low = date_range(value["start"])[0] if "start" in value else dt.datetime.min.replace(tzinfo=UTC)
        high = date_range(value["end"])[1] if "end" in value else dt.datetime.max.replace(tzinfo=UTC)
        return low, high
    return None


def date_matches(value, prefix: str, query: str) -> bool:
    """R4 date comparison of a value's range [l, h] with the search value's range [ql, qh]."""
    r = value_range(value)
    if r is None:
        return False
    low, high = r
    ql, qh = date_range(query)
    eq = low >= ql and high <= qh
    return {
        "eq": eq, "ne": not eq,
        "gt": high > qh, "lt": low < ql,
        "ge": high > qh or eq, "le": low < ql or eq,
        "sa": low > qh, "eb": high < ql,
    }[prefix]


def number_matches(value: Decimal, prefix: str, query: str) -> bool:
    q = Decimal(query)
    return {"gt": value > q, "lt": value < q, "ge": value >= q, "le": value <= q}[prefix]


def references(resource: dict, code: str) -> list[dict]:
    """The resources the reference parameter `code` of the resource points to (within the bundles)."""
    out = []
    for v in values(resource, code):
        target = corpus().target(v.get("reference", "")) if isinstance(v, dict) else None
        if target is not None:
            out.append(target)
    return out


def synthea_id(patient: dict) -> str:
    """A patient's Synthea identifier value (what finds it on the server, whose ids are its own)."""
    return next(i["value"] for i in patient["identifier"] if i.get("system") == "https://github.com/synthetichealth/synthea")
