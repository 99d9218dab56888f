from enum import StrEnum

class GetApiV1OffersStatus(StrEnum):
    CLOSED = "closed"
    DRAFT = "draft"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
