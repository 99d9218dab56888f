from enum import StrEnum

class GetApiV1JobsKind(StrEnum):
    ALLOCATE = "allocate"
    SIMULATE = "simulate"

    def __str__(self) -> str:
        return str(self.value)
