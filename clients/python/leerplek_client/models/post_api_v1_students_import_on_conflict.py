from enum import StrEnum

class PostApiV1StudentsImportOnConflict(StrEnum):
    ERROR = "error"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
