from enum import StrEnum

class TokenRole(StrEnum):
    ADMIN = "admin"
    COMPANY = "company"
    COORDINATOR = "coordinator"
    STUDENT = "student"

    def __str__(self) -> str:
        return str(self.value)
