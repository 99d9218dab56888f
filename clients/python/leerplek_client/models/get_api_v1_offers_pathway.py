from enum import StrEnum

class GetApiV1OffersPathway(StrEnum):
    BBL = "BBL"
    BOL = "BOL"
    HYBRID = "HYBRID"

    def __str__(self) -> str:
        return str(self.value)
