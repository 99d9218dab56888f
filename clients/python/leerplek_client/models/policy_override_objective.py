from enum import StrEnum

class PolicyOverrideObjective(StrEnum):
    OPTIMAL = "optimal"
    RANK_MAXIMAL = "rank_maximal"
    STABLE = "stable"

    def __str__(self) -> str:
        return str(self.value)
