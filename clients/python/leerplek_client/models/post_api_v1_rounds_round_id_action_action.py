from enum import StrEnum

class PostApiV1RoundsRoundIdActionAction(StrEnum):
    CLOSE = "close"
    FINISH = "finish"
    OPEN = "open"
    PUBLISH = "publish"
    REOPEN = "reopen"

    def __str__(self) -> str:
        return str(self.value)
