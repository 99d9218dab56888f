from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Pok")



@_attrs_define
class Pok:
    """ 
        Attributes:
            begindatum (datetime.date | None | Unset):
            brin (str | Unset):
            contractdatum (datetime.date | None | Unset):
            crebo (None | str | Unset):
            dagen_per_week (int | None | Unset):
            geplande_einddatum (datetime.date | None | Unset):
            kwalificatie (None | str | Unset):
            leerbedrijf_adres (None | str | Unset):
            leerbedrijf_kvk (str | Unset):
            leerbedrijf_naam (str | Unset):
            leerbedrijf_plaats (None | str | Unset):
            leerbedrijf_postcode (None | str | Unset):
            leerbedrijf_sbb_code (None | str | Unset):
            leerweg (None | str | Unset):
            niveau (int | Unset):
            plaatsing_id (int | Unset): the assignment
            praktijkbegeleider_email (None | str | Unset):
            praktijkbegeleider_naam (None | str | Unset):
            praktijkopleider_email (None | str | Unset):
            praktijkopleider_naam (None | str | Unset):
            ronde_id (int | Unset):
            school (str | Unset):
            status (str | Unset): voorlopig, volledig or definitief
            studentnummer (str | Unset):
            uren_per_week (int | None | Unset):
            uren_totaal (int | None | Unset):
            volgnummer (int | Unset): the student's bpv number
     """

    begindatum: datetime.date | None | Unset = UNSET
    brin: str | Unset = UNSET
    contractdatum: datetime.date | None | Unset = UNSET
    crebo: None | str | Unset = UNSET
    dagen_per_week: int | None | Unset = UNSET
    geplande_einddatum: datetime.date | None | Unset = UNSET
    kwalificatie: None | str | Unset = UNSET
    leerbedrijf_adres: None | str | Unset = UNSET
    leerbedrijf_kvk: str | Unset = UNSET
    leerbedrijf_naam: str | Unset = UNSET
    leerbedrijf_plaats: None | str | Unset = UNSET
    leerbedrijf_postcode: None | str | Unset = UNSET
    leerbedrijf_sbb_code: None | str | Unset = UNSET
    leerweg: None | str | Unset = UNSET
    niveau: int | Unset = UNSET
    plaatsing_id: int | Unset = UNSET
    praktijkbegeleider_email: None | str | Unset = UNSET
    praktijkbegeleider_naam: None | str | Unset = UNSET
    praktijkopleider_email: None | str | Unset = UNSET
    praktijkopleider_naam: None | str | Unset = UNSET
    ronde_id: int | Unset = UNSET
    school: str | Unset = UNSET
    status: str | Unset = UNSET
    studentnummer: str | Unset = UNSET
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

        brin = self.brin

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

        kwalificatie: None | str | Unset
        if isinstance(self.kwalificatie, Unset):
            kwalificatie = UNSET
        else:
            kwalificatie = self.kwalificatie

        leerbedrijf_adres: None | str | Unset
        if isinstance(self.leerbedrijf_adres, Unset):
            leerbedrijf_adres = UNSET
        else:
            leerbedrijf_adres = self.leerbedrijf_adres

        leerbedrijf_kvk = self.leerbedrijf_kvk

        leerbedrijf_naam = self.leerbedrijf_naam

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
        else:
            leerweg = self.leerweg

        niveau = self.niveau

        plaatsing_id = self.plaatsing_id

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

        ronde_id = self.ronde_id

        school = self.school

        status = self.status

        studentnummer = self.studentnummer

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
        if brin is not UNSET:
            field_dict["brin"] = brin
        if contractdatum is not UNSET:
            field_dict["contractdatum"] = contractdatum
        if crebo is not UNSET:
            field_dict["crebo"] = crebo
        if dagen_per_week is not UNSET:
            field_dict["dagen_per_week"] = dagen_per_week
        if geplande_einddatum is not UNSET:
            field_dict["geplande_einddatum"] = geplande_einddatum
        if kwalificatie is not UNSET:
            field_dict["kwalificatie"] = kwalificatie
        if leerbedrijf_adres is not UNSET:
            field_dict["leerbedrijf_adres"] = leerbedrijf_adres
        if leerbedrijf_kvk is not UNSET:
            field_dict["leerbedrijf_kvk"] = leerbedrijf_kvk
        if leerbedrijf_naam is not UNSET:
            field_dict["leerbedrijf_naam"] = leerbedrijf_naam
        if leerbedrijf_plaats is not UNSET:
            field_dict["leerbedrijf_plaats"] = leerbedrijf_plaats
        if leerbedrijf_postcode is not UNSET:
            field_dict["leerbedrijf_postcode"] = leerbedrijf_postcode
        if leerbedrijf_sbb_code is not UNSET:
            field_dict["leerbedrijf_sbb_code"] = leerbedrijf_sbb_code
        if leerweg is not UNSET:
            field_dict["leerweg"] = leerweg
        if niveau is not UNSET:
            field_dict["niveau"] = niveau
        if plaatsing_id is not UNSET:
            field_dict["plaatsing_id"] = plaatsing_id
        if praktijkbegeleider_email is not UNSET:
            field_dict["praktijkbegeleider_email"] = praktijkbegeleider_email
        if praktijkbegeleider_naam is not UNSET:
            field_dict["praktijkbegeleider_naam"] = praktijkbegeleider_naam
        if praktijkopleider_email is not UNSET:
            field_dict["praktijkopleider_email"] = praktijkopleider_email
        if praktijkopleider_naam is not UNSET:
            field_dict["praktijkopleider_naam"] = praktijkopleider_naam
        if ronde_id is not UNSET:
            field_dict["ronde_id"] = ronde_id
        if school is not UNSET:
            field_dict["school"] = school
        if status is not UNSET:
            field_dict["status"] = status
        if studentnummer is not UNSET:
            field_dict["studentnummer"] = studentnummer
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


        brin = d.pop("brin", UNSET)

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


        def _parse_kwalificatie(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kwalificatie = _parse_kwalificatie(d.pop("kwalificatie", UNSET))


        def _parse_leerbedrijf_adres(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerbedrijf_adres = _parse_leerbedrijf_adres(d.pop("leerbedrijf_adres", UNSET))


        leerbedrijf_kvk = d.pop("leerbedrijf_kvk", UNSET)

        leerbedrijf_naam = d.pop("leerbedrijf_naam", UNSET)

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


        def _parse_leerweg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leerweg = _parse_leerweg(d.pop("leerweg", UNSET))


        niveau = d.pop("niveau", UNSET)

        plaatsing_id = d.pop("plaatsing_id", UNSET)

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


        ronde_id = d.pop("ronde_id", UNSET)

        school = d.pop("school", UNSET)

        status = d.pop("status", UNSET)

        studentnummer = d.pop("studentnummer", UNSET)

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

        pok = cls(
            begindatum=begindatum,
            brin=brin,
            contractdatum=contractdatum,
            crebo=crebo,
            dagen_per_week=dagen_per_week,
            geplande_einddatum=geplande_einddatum,
            kwalificatie=kwalificatie,
            leerbedrijf_adres=leerbedrijf_adres,
            leerbedrijf_kvk=leerbedrijf_kvk,
            leerbedrijf_naam=leerbedrijf_naam,
            leerbedrijf_plaats=leerbedrijf_plaats,
            leerbedrijf_postcode=leerbedrijf_postcode,
            leerbedrijf_sbb_code=leerbedrijf_sbb_code,
            leerweg=leerweg,
            niveau=niveau,
            plaatsing_id=plaatsing_id,
            praktijkbegeleider_email=praktijkbegeleider_email,
            praktijkbegeleider_naam=praktijkbegeleider_naam,
            praktijkopleider_email=praktijkopleider_email,
            praktijkopleider_naam=praktijkopleider_naam,
            ronde_id=ronde_id,
            school=school,
            status=status,
            studentnummer=studentnummer,
            uren_per_week=uren_per_week,
            uren_totaal=uren_totaal,
            volgnummer=volgnummer,
        )

        return pok

