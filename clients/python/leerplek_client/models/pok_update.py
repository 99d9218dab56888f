from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.pok_update_leerweg_type_1 import PokUpdateLeerwegType1
from ..models.pok_update_leerweg_type_2_type_1 import PokUpdateLeerwegType2Type1
from ..models.pok_update_leerweg_type_3_type_1 import PokUpdateLeerwegType3Type1
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PokUpdate")



@_attrs_define
class PokUpdate:
    """ 
        Attributes:
            begindatum (datetime.date | None | Unset): school: first day of the bpv
            crebo (None | str | Unset): school: the bpv's crebo code
            dagen_per_week (int | None | Unset): company
            geplande_einddatum (datetime.date | None | Unset): school: after begindatum
            leerbedrijf_adres (None | str | Unset): company: street and number
            leerbedrijf_plaats (None | str | Unset): company: the place of the address
            leerbedrijf_postcode (None | str | Unset): company
            leerbedrijf_sbb_code (None | str | Unset): company: SBB leerbedrijf number
            leerweg (None | PokUpdateLeerwegType1 | PokUpdateLeerwegType2Type1 | PokUpdateLeerwegType3Type1 | Unset):
                school: BOL or BBL
            praktijkbegeleider_email (None | str | Unset):
            praktijkbegeleider_naam (None | str | Unset): school: its bpv-begeleider
            praktijkopleider_email (None | str | Unset):
            praktijkopleider_naam (None | str | Unset): company: its praktijkopleider
            uren_per_week (int | None | Unset): company: at most 12 a day
            uren_totaal (int | None | Unset): school: clock hours of bpv in all (BBL: at least 610 a year of the period)
     """

    begindatum: datetime.date | None | Unset = UNSET
    crebo: None | str | Unset = UNSET
    dagen_per_week: int | None | Unset = UNSET
    geplande_einddatum: datetime.date | None | Unset = UNSET
    leerbedrijf_adres: None | str | Unset = UNSET
    leerbedrijf_plaats: None | str | Unset = UNSET
    leerbedrijf_postcode: None | str | Unset = UNSET
    leerbedrijf_sbb_code: None | str | Unset = UNSET
    leerweg: None | PokUpdateLeerwegType1 | PokUpdateLeerwegType2Type1 | PokUpdateLeerwegType3Type1 | Unset = UNSET
    praktijkbegeleider_email: None | str | Unset = UNSET
    praktijkbegeleider_naam: None | str | Unset = UNSET
    praktijkopleider_email: None | str | Unset = UNSET
    praktijkopleider_naam: None | str | Unset = UNSET
    uren_per_week: int | None | Unset = UNSET
    uren_totaal: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        begindatum: None | str | Unset
        if isinstance(self.begindatum, Unset):
            begindatum = UNSET
        elif isinstance(self.begindatum, datetime.date):
            begindatum = self.begindatum.isoformat()
        else:
            begindatum = self.begindatum

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

        leerbedrijf_adres: None | str | Unset
        if isinstance(self.leerbedrijf_adres, Unset):
            leerbedrijf_adres = UNSET
        else:
            leerbedrijf_adres = self.leerbedrijf_adres

        leerbedrijf_plaats: None | str | Unset
        if isinstance(self.leerbedrijf_plaats, Unset):
            leerbedrijf_plaats = UNSET
        else:
            leerbedrijf_plaats = self.leerbedrijf_plaats

        leerbedrijf_postcode: None | str | Unset
        if isinstance(self.leerbedrijf_postcode, Unset):
            leerbedrijf_postcode = UNSET
        else:
            leerbedrijf_postcode = self.leerbedrijf_postcode

        leerbedrijf_sbb_code: None | str | Unset
        if isinstance(self.leerbedrijf_sbb_code, Unset):
            leerbedrijf_sbb_code = UNSET
        else:
            leerbedrijf_sbb_code = self.leerbedrijf_sbb_code

        leerweg: None | str | Unset
        if isinstance(self.leerweg, Unset):
            leerweg = UNSET
        elif isinstance(self.leerweg, PokUpdateLeerwegType1):
            leerweg = self.leerweg.value
        elif isinstance(self.leerweg, PokUpdateLeerwegType2Type1):
            leerweg = self.leerweg.value
        elif isinstance(self.leerweg, PokUpdateLeerwegType3Type1):
            leerweg = self.leerweg.value
        else:
            leerweg = self.leerweg

        praktijkbegeleider_email: None | str | Unset
        if isinstance(self.praktijkbegeleider_email, Unset):
            praktijkbegeleider_email = UNSET
        else:
            praktijkbegeleider_email = self.praktijkbegeleider_email

        praktijkbegeleider_naam: None | str | Unset
        if isinstance(self.praktijkbegeleider_naam, Unset):
            praktijkbegeleider_naam = UNSET
        else:
            praktijkbegeleider_naam = self.praktijkbegeleider_naam

        praktijkopleider_email: None | str | Unset
        if isinstance(self.praktijkopleider_email, Unset):
            praktijkopleider_email = UNSET
        else:
            praktijkopleider_email = self.praktijkopleider_email

        praktijkopleider_naam: None | str | Unset
        if isinstance(self.praktijkopleider_naam, Unset):
            praktijkopleider_naam = UNSET
        else:
            praktijkopleider_naam = self.praktijkopleider_naam

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


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if begindatum is not UNSET:
            field_dict["begindatum"] = begindatum
        if crebo is not UNSET:
            field_dict["crebo"] = crebo
        if dagen_per_week is not UNSET:
            field_dict["dagen_per_week"] = dagen_per_week
        if geplande_einddatum is not UNSET:
            field_dict["geplande_einddatum"] = geplande_einddatum
        if leerbedrijf_adres is not UNSET:
            field_dict["leerbedrijf_adres"] = leerbedrijf_adres
        if leerbedrijf_plaats is not UNSET:
            field_dict["leerbedrijf_plaats"] = leerbedrijf_plaats
        if leerbedrijf_postcode is not UNSET:
            field_dict["leerbedrijf_postcode"] = leerbedrijf_postcode
        if leerbedrijf_sbb_code is not UNSET:
            field_dict["leerbedrijf_sbb_code"] = leerbedrijf_sbb_code
        if leerweg is not UNSET:
            field_dict["leerweg"] = leerweg
        if praktijkbegeleider_email is not UNSET:
            field_dict["praktijkbegeleider_email"] = praktijkbegeleider_email
        if praktijkbegeleider_naam is not UNSET:
            field_dict["praktijkbegeleider_naam"] = praktijkbegeleider_naam
        if praktijkopleider_email is not UNSET:
            field_dict["praktijkopleider_email"] = praktijkopleider_email
        if praktijkopleider_naam is not UNSET:
            field_dict["praktijkopleider_naam"] = praktijkopleider_naam
        if uren_per_week is not UNSET:
            field_dict["uren_per_week"] = uren_per_week
        if uren_totaal is not UNSET:
            field_dict["uren_totaal"] = uren_totaal

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


        def _parse_leerbedrijf_adres(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerbedrijf_adres = _parse_leerbedrijf_adres(d.pop("leerbedrijf_adres", UNSET))


        def _parse_leerbedrijf_plaats(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerbedrijf_plaats = _parse_leerbedrijf_plaats(d.pop("leerbedrijf_plaats", UNSET))


        def _parse_leerbedrijf_postcode(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerbedrijf_postcode = _parse_leerbedrijf_postcode(d.pop("leerbedrijf_postcode", UNSET))


        def _parse_leerbedrijf_sbb_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerbedrijf_sbb_code = _parse_leerbedrijf_sbb_code(d.pop("leerbedrijf_sbb_code", UNSET))


        def _parse_leerweg(data: object) -> None | PokUpdateLeerwegType1 | PokUpdateLeerwegType2Type1 | PokUpdateLeerwegType3Type1 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                leerweg_type_1 = PokUpdateLeerwegType1(data)



                return leerweg_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                leerweg_type_2_type_1 = PokUpdateLeerwegType2Type1(data)



                return leerweg_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                leerweg_type_3_type_1 = PokUpdateLeerwegType3Type1(data)



                return leerweg_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PokUpdateLeerwegType1 | PokUpdateLeerwegType2Type1 | PokUpdateLeerwegType3Type1 | Unset, data)

        leerweg = _parse_leerweg(d.pop("leerweg", UNSET))


        def _parse_praktijkbegeleider_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        praktijkbegeleider_email = _parse_praktijkbegeleider_email(d.pop("praktijkbegeleider_email", UNSET))


        def _parse_praktijkbegeleider_naam(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        praktijkbegeleider_naam = _parse_praktijkbegeleider_naam(d.pop("praktijkbegeleider_naam", UNSET))


        def _parse_praktijkopleider_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        praktijkopleider_email = _parse_praktijkopleider_email(d.pop("praktijkopleider_email", UNSET))


        def _parse_praktijkopleider_naam(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        praktijkopleider_naam = _parse_praktijkopleider_naam(d.pop("praktijkopleider_naam", UNSET))


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


        pok_update = cls(
            begindatum=begindatum,
            crebo=crebo,
            dagen_per_week=dagen_per_week,
            geplande_einddatum=geplande_einddatum,
            leerbedrijf_adres=leerbedrijf_adres,
            leerbedrijf_plaats=leerbedrijf_plaats,
            leerbedrijf_postcode=leerbedrijf_postcode,
            leerbedrijf_sbb_code=leerbedrijf_sbb_code,
            leerweg=leerweg,
            praktijkbegeleider_email=praktijkbegeleider_email,
            praktijkbegeleider_naam=praktijkbegeleider_naam,
            praktijkopleider_email=praktijkopleider_email,
            praktijkopleider_naam=praktijkopleider_naam,
            uren_per_week=uren_per_week,
            uren_totaal=uren_totaal,
        )

        return pok_update

