from enum import StrEnum

class RoundPatchObjective(StrEnum):
    OPTIMAL = "optimal"
    RANK_MAXIMAL = "rank_maximal"
    STABLE = "stable"

    def __str__(self) -> str:
        return str(self.value)
