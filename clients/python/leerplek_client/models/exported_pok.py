from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ExportedPok")



@_attrs_define
class ExportedPok:
    """ 
        Attributes:
            begindatum (datetime.date | None | Unset):
            contractdatum (datetime.date | None | Unset):
            crebo (None | str | Unset):
            dagen_per_week (int | None | Unset):
            geplande_einddatum (datetime.date | None | Unset):
            id (int | Unset):
            leerweg (None | str | Unset):
            offer_id (int | Unset):
            plaatsing_id (int | Unset):
            status (str | Unset):
            uren_per_week (int | None | Unset):
            uren_totaal (int | None | Unset):
            volgnummer (int | Unset):
     """

    begindatum: datetime.date | None | Unset = UNSET
    contractdatum: datetime.date | None | Unset = UNSET
    crebo: None | str | Unset = UNSET
    dagen_per_week: int | None | Unset = UNSET
    geplande_einddatum: datetime.date | None | Unset = UNSET
    id: int | Unset = UNSET
    leerweg: None | str | Unset = UNSET
    offer_id: int | Unset = UNSET
    plaatsing_id: int | Unset = UNSET
    status: str | Unset = UNSET
    uren_per_week: int | None | Unset = UNSET
    uren_totaal: int | None | Unset = UNSET
    volgnummer: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        begindatum: None | str | Unset
        if isinstance(self.begindatum, Unset):
            begindatum = UNSET
        elif isinstance(self.begindatum, datetime.date):
            begindatum = self.begindatum.isoformat()
        else:
            begindatum = self.begindatum

        contractdatum: None | str | Unset
        if isinstance(self.contractdatum, Unset):
            contractdatum = UNSET
        elif isinstance(self.contractdatum, datetime.date):
            contractdatum = self.contractdatum.isoformat()
        else:
            contractdatum = self.contractdatum

        crebo: None | str | Unset
        if isinstance(self.crebo, Unset):
            crebo = UNSET
        else:
            crebo = self.crebo

        dagen_per_week: int | None | Unset
        if isinstance(self.dagen_per_week, Unset):
            dagen_per_week = UNSET
        else:
            dagen_per_week = self.dagen_per_week

        geplande_einddatum: None | str | Unset
        if isinstance(self.geplande_einddatum, Unset):
            geplande_einddatum = UNSET
        elif isinstance(self.geplande_einddatum, datetime.date):
            geplande_einddatum = self.geplande_einddatum.isoformat()
        else:
            geplande_einddatum = self.geplande_einddatum

        id = self.id

        leerweg: None | str | Unset
        if isinstance(self.leerweg, Unset):
            leerweg = UNSET
        else:
            leerweg = self.leerweg

        offer_id = self.offer_id

        plaatsing_id = self.plaatsing_id

        status = self.status

        uren_per_week: int | None | Unset
        if isinstance(self.uren_per_week, Unset):
            uren_per_week = UNSET
        else:
            uren_per_week = self.uren_per_week

        uren_totaal: int | None | Unset
        if isinstance(self.uren_totaal, Unset):
            uren_totaal = UNSET
        else:
            uren_totaal = self.uren_totaal

        volgnummer = self.volgnummer


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if begindatum is not UNSET:
            field_dict["begindatum"] = begindatum
        if contractdatum is not UNSET:
            field_dict["contractdatum"] = contractdatum
        if crebo is not UNSET:
            field_dict["crebo"] = crebo
        if dagen_per_week is not UNSET:
            field_dict["dagen_per_week"] = dagen_per_week
        if geplande_einddatum is not UNSET:
            field_dict["geplande_einddatum"] = geplande_einddatum
        if id is not UNSET:
            field_dict["id"] = id
        if leerweg is not UNSET:
            field_dict["leerweg"] = leerweg
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id
        if plaatsing_id is not UNSET:
            field_dict["plaatsing_id"] = plaatsing_id
        if status is not UNSET:
            field_dict["status"] = status
        if uren_per_week is not UNSET:
            field_dict["uren_per_week"] = uren_per_week
        if uren_totaal is not UNSET:
            field_dict["uren_totaal"] = uren_totaal
        if volgnummer is not UNSET:
            field_dict["volgnummer"] = volgnummer

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_begindatum(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                begindatum_type_0 = datetime.date.fromisoformat(data)



                return begindatum_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        begindatum = _parse_begindatum(d.pop("begindatum", UNSET))


        def _parse_contractdatum(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contractdatum_type_0 = datetime.date.fromisoformat(data)



                return contractdatum_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        contractdatum = _parse_contractdatum(d.pop("contractdatum", UNSET))


        def _parse_crebo(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        crebo = _parse_crebo(d.pop("crebo", UNSET))


        def _parse_dagen_per_week(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dagen_per_week = _parse_dagen_per_week(d.pop("dagen_per_week", UNSET))


        def _parse_geplande_einddatum(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                geplande_einddatum_type_0 = datetime.date.fromisoformat(data)



                return geplande_einddatum_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        geplande_einddatum = _parse_geplande_einddatum(d.pop("geplande_einddatum", UNSET))


        id = d.pop("id", UNSET)

        def _parse_leerweg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerweg = _parse_leerweg(d.pop("leerweg", UNSET))


        offer_id = d.pop("offer_id", UNSET)

        plaatsing_id = d.pop("plaatsing_id", UNSET)

        status = d.pop("status", UNSET)

        def _parse_uren_per_week(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        uren_per_week = _parse_uren_per_week(d.pop("uren_per_week", UNSET))


        def _parse_uren_totaal(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        uren_totaal = _parse_uren_totaal(d.pop("uren_totaal", UNSET))


        volgnummer = d.pop("volgnummer", UNSET)

        exported_pok = cls(
            begindatum=begindatum,
            contractdatum=contractdatum,
            crebo=crebo,
            dagen_per_week=dagen_per_week,
            geplande_einddatum=geplande_einddatum,
            id=id,
            leerweg=leerweg,
            offer_id=offer_id,
            plaatsing_id=plaatsing_id,
            status=status,
            uren_per_week=uren_per_week,
            uren_totaal=uren_totaal,
            volgnummer=volgnummer,
        )

        return exported_pok

