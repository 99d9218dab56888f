from enum import StrEnum

class StudentPatchPathwaysItem(StrEnum):
    BBL = "BBL"
    BOL = "BOL"
    HYBRID = "HYBRID"

    def __str__(self) -> str:
        return str(self.value)
