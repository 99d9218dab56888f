from enum import StrEnum

class PokUpdateLeerwegType2Type1(StrEnum):
    BBL = "BBL"
    BOL = "BOL"

    def __str__(self) -> str:
        return str(self.value)
