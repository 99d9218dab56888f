from enum import StrEnum

class PostApiV1RoundsImportIds(StrEnum):
    DATABASE = "database"
    EXTERNAL = "external"

    def __str__(self) -> str:
        return str(self.value)
