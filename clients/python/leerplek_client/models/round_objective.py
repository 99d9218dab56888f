from enum import StrEnum

class RoundObjective(StrEnum):
    OPTIMAL = "optimal"
    RANK_MAXIMAL = "rank_maximal"
    STABLE = "stable"

    def __str__(self) -> str:
        return str(self.value)
