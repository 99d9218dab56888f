from enum import StrEnum

class OfferPatchStatus(StrEnum):
    CLOSED = "closed"
    DRAFT = "draft"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
