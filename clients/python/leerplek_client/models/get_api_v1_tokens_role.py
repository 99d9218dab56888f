from enum import StrEnum

class GetApiV1TokensRole(StrEnum):
    ADMIN = "admin"
    COMPANY = "company"
    COORDINATOR = "coordinator"
    STUDENT = "student"

    def __str__(self) -> str:
        return str(self.value)
