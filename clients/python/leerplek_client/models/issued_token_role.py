from enum import StrEnum

class IssuedTokenRole(StrEnum):
    ADMIN = "admin"
    COMPANY = "company"
    COORDINATOR = "coordinator"
    STUDENT = "student"

    def __str__(self) -> str:
        return str(self.value)
