"""Loading open data (regions, cities, partner centres) into the database.

The files are those in ``tisc/data`` (copied from the shared open data, with
SOURCES.md); another country's files in the same format load the same way.
Loading is idempotent: reference data is refreshed, centres are only added,
so edits made in the application survive a reload.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from tisc.domain.catalogue import CentreKind, CentreStatus, Language, Service
from tisc.extensions import db
from tisc.models import Centre, City, Region
from tisc.services.unit_of_work import use_case

PACKAGED_DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class LoadReport:
    regions: int = 0
    cities: int = 0
    centres_added: int = 0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@use_case
def load_reference_data(folder: Path = PACKAGED_DATA) -> LoadReport:
    report = LoadReport()
    boundaries = {
        feature["properties"]["code"]: json.dumps(feature["geometry"], separators=(",", ":"))
        for feature in json.loads((folder / "kz_regions.geojson").read_text("utf-8"))["features"]
    }
    for row in _rows(folder / "kz_regions.csv"):
        region = db.session.get(Region, row["code"]) or Region(code=row["code"])
        region.kind = row["type"]
        region.name_kk, region.name_ru, region.name_en = (
            row["name_kk"],
            row["name_ru"],
            row["name_en"],
        )
        region.admin_centre_en = row["admin_centre"]
        region.admin_centre_ru = row["admin_centre_ru"]
        region.admin_centre_kk = row["admin_centre_kk"]
        region.lat, region.lon = float(row["admin_centre_lat"]), float(row["admin_centre_lon"])
        region.population = int(row["population"])
        region.area_km2 = int(float(row["area_km2"])) if row.get("area_km2") else None
        region.boundary = boundaries.get(row["code"])
        db.session.add(region)
        report.regions += 1
    db.session.flush()

    for row in _rows(folder / "kz_cities.csv"):
        city = db.session.scalar(
            sa.select(City).where(
                City.region_code == row["region_code"], City.name_en == row["name_en"]
            )
        ) or City(region_code=row["region_code"], name_en=row["name_en"])
        city.name_ru, city.name_kk = row["name_ru"], row["name_kk"]
        city.lat, city.lon = float(row["lat"]), float(row["lon"])
        city.population = int(row["population"])
        city.has_university = row["has_university"].strip().lower() == "yes"
        db.session.add(city)
        report.cities += 1
    db.session.flush()
    report.centres_added = _add_partner_centres(folder)
    return report


@use_case
def load_partner_centres(folder: Path = PACKAGED_DATA) -> int:
    """Add the partner centres that are missing; how many were added."""
    return _add_partner_centres(folder)


def _add_partner_centres(folder: Path) -> int:
    added = 0
    profiles = {row["slug"]: row for row in _rows(folder / "partner_profiles.csv")}
    for row in _rows(folder / "tisc_partners.csv"):
        if db.session.scalar(sa.select(Centre.id).where(Centre.slug == row["slug"])):
            continue
        city = db.session.scalar(
            sa.select(City).where(
                City.region_code == row["region_code"], City.name_en == row["city"]
            )
        )
        if city is None:
            raise ValueError(f"tisc_partners.csv: no city {row['city']} in {row['region_code']}")
        profile = profiles.get(row["slug"], {})
        centre = Centre(
            slug=row["slug"],
            kind=CentreKind(row["kind"]),
            status=CentreStatus.ACTIVE,
            name_kk=row["name_kk"],
            name_ru=row["name_ru"],
            name_en=row["name_en"],
            # The English text in the plain column; Kazakh and Russian where the file has them.
            host_institution_en=row["host_institution"],
            host_institution_kk=row.get("host_institution_kk") or "",
            host_institution_ru=row.get("host_institution_ru") or "",
            city_id=city.id,
            address_en=row["address"],
            address_kk=row.get("address_kk") or "",
            address_ru=row.get("address_ru") or "",
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            website=row["website"],
            opening_hours_en=profile.get("opening_hours", ""),
            opening_hours_kk=profile.get("opening_hours_kk") or "",
            opening_hours_ru=profile.get("opening_hours_ru") or "",
            phone=profile.get("phone", ""),
            email=profile.get("email", ""),
            languages=[
                lang.value
                for lang in Language
                if lang.value in profile.get("languages", "").split()
            ],
        )
        centre.services = [Service(s) for s in profile.get("services", "").split()]
        db.session.add(centre)
        added += 1
    return added
