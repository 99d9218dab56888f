from enum import StrEnum

class PokUpdateLeerwegType3Type1(StrEnum):
    BBL = "BBL"
    BOL = "BOL"

    def __str__(self) -> str:
        return str(self.value)
