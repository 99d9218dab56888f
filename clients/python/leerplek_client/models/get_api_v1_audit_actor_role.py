from enum import StrEnum

class GetApiV1AuditActorRole(StrEnum):
    ADMIN = "admin"
    COMPANY = "company"
    COORDINATOR = "coordinator"
    STUDENT = "student"
    SYSTEM = "system"

    def __str__(self) -> str:
        return str(self.value)
