from enum import StrEnum

class StudentPathwaysItem(StrEnum):
    BBL = "BBL"
    BOL = "BOL"
    HYBRID = "HYBRID"

    def __str__(self) -> str:
        return str(self.value)
