from enum import StrEnum

class GetApiV1RoundsStatus(StrEnum):
    ALLOCATED = "allocated"
    CLOSED = "closed"
    DRAFT = "draft"
    FINISHED = "finished"
    OPEN = "open"
    PUBLISHED = "published"

    def __str__(self) -> str:
        return str(self.value)
