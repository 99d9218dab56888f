from enum import StrEnum

class AgreementPathwayType2Type1(StrEnum):
    BBL = "BBL"
    BOL = "BOL"
    HYBRID = "HYBRID"

    def __str__(self) -> str:
        return str(self.value)
