"""Regions and cities: the reference data the network is drawn on."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tisc.models.base import Base


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # region | city
    name_kk: Mapped[str] = mapped_column(sa.String(120))
    name_ru: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    admin_centre_kk: Mapped[str] = mapped_column(sa.String(120))
    admin_centre_ru: Mapped[str] = mapped_column(sa.String(120))
    admin_centre_en: Mapped[str] = mapped_column(sa.String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    population: Mapped[int]
    area_km2: Mapped[int | None]
    # GeoJSON geometry of the boundary; only the maps need it.
    boundary: Mapped[str | None] = deferred(mapped_column(sa.Text))

    cities: Mapped[list["City"]] = relationship(back_populates="region")

    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def admin_centre_names(self) -> dict[str, str]:
        return {"kk": self.admin_centre_kk, "ru": self.admin_centre_ru, "en": self.admin_centre_en}


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (sa.UniqueConstraint("region_code", "name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    name_kk: Mapped[str] = mapped_column(sa.String(120))
    name_ru: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    population: Mapped[int]
    has_university: Mapped[bool] = mapped_column(default=False)

    region: Mapped[Region] = relationship(back_populates="cities")

    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}
