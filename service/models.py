"""The service's tables as SQLAlchemy 2 typed models.

Lists that are filtered on (offer levels and pathways, student pathways) are stored as small
bit masks so one portable expression filters them on SQLite and PostgreSQL alike; student
regions get their own table for the same reason. Lists never filtered on stay JSON.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from solver.model import (
    LEVELS,
    MAX_PREFERENCES_LIMITS,
    OBJECTIVES,
    PATHWAYS,
    POLICY_DEFAULTS,
)

# Named constraints keep Alembic migrations stable and let IntegrityError name its columns.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id an integer primary key holds (PostgreSQL's 32-bit integer): ids a client
# sends are checked against it before they reach a query.
MAX_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class OfferStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ALLOCATED = "allocated"
    PUBLISHED = "published"
    FINISHED = "finished"


class AssignmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class JobKind(enum.StrEnum):
    ALLOCATE = "allocate"
    SIMULATE = "simulate"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


ACTIVE_JOB = ("queued", "running")


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    COMPANY = "company"
    STUDENT = "student"


# What an unanswered proposal becomes at its round's deadline; the first is the default.
NO_RESPONSE: tuple[str, ...] = ("decline", "accept")


# Staff: the roles that run rounds for a school or region (and see the priority flag).
STAFF: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
# What an ApiToken is for (ApiToken.purpose).
TOKEN_API = "api"
TOKEN_SESSION = "session"


def levels_to_mask(levels: list[int] | tuple[int, ...]) -> int:
    return sum(1 << (level - 1) for level in set(levels))


def mask_to_levels(mask: int) -> list[int]:
    return [level for level in LEVELS if mask & (1 << (level - 1))]


def pathways_to_mask(pathways: list[str] | tuple[str, ...]) -> int:
    return sum(1 << PATHWAYS.index(p) for p in set(pathways))


def mask_to_pathways(mask: int) -> list[str]:
    return [p for i, p in enumerate(PATHWAYS) if mask & (1 << i)]


def _enum_check(column: str, values: tuple[str, ...] | list[str]) -> str:
    # CHECK instead of a native ENUM type: adding a value later is a one-line migration.
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class WithPathways:
    """Pathways as a bit mask, so one filter expression works on SQLite and PostgreSQL."""

    pathway_mask: Mapped[int] = mapped_column(Integer)

    @property
    def pathways(self) -> list[str]:
        return mask_to_pathways(self.pathway_mask)

    @pathways.setter
    def pathways(self, value: list[str]) -> None:
        self.pathway_mask = pathways_to_mask(value)


class Located:
    """A point on the map, exposed as the round document's ``{"lat", "lon"}`` or null."""

    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    @property
    def location(self) -> dict[str, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return {"lat": self.lat, "lon": self.lon}

    @location.setter
    def location(self, value: dict[str, float] | None) -> None:
        self.lat, self.lon = (None, None) if value is None else (value["lat"], value["lon"])


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. the BRIN or a short slug
    region: Mapped[str] = mapped_column(String(80))
    # Approximate number of students and main location, as the reference data gives them.
    size: Mapped[int | None] = mapped_column(Integer)
    main_place: Mapped[str | None] = mapped_column(String(80))
    # The bpv coordinator companies call about a proposed student (shown to those companies).
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))


environment_partners = Table(
    "environment_partners",
    Base.metadata,
    Column("environment_id", ForeignKey("environments.id", ondelete="CASCADE"),
           primary_key=True),
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Company(Base):
    """A leerbedrijf: recognised by SBB per qualification (crebo) code."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kvk_number: Mapped[str] = mapped_column(String(8), unique=True)
    qualifications: Mapped[list[str]] = mapped_column(default=list)  # recognised crebo codes
    region: Mapped[str | None] = mapped_column(String(80))
    # Optional contact address for its messages (proposals awaiting its consent, a POK).
    email: Mapped[str | None] = mapped_column(String(254))

    # "all": deleting a company with offers must fail on the foreign key, not orphan them.
    offers: Mapped[list[Offer]] = relationship(back_populates="company", passive_deletes="all")


class Environment(Base):
    """A hybrid learning environment: one capacity shared by its partners' offers."""

    __tablename__ = "environments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(80))

    partners: Mapped[list[Company]] = relationship(secondary=environment_partners,
                                                   lazy="selectin")

    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity"),)

    @property
    def partner_ids(self) -> list[int]:
        return [c.id for c in self.partners]


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The tenant: a school's round, or a regional one when school_id is null.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.DRAFT)
    objective: Mapped[str] = mapped_column(String(16), default=POLICY_DEFAULTS.objective)
    priority_first: Mapped[bool] = mapped_column(Boolean,
                                                 default=POLICY_DEFAULTS.priority_first)
    place_unranked: Mapped[bool] = mapped_column(Boolean,
                                                 default=POLICY_DEFAULTS.place_unranked)
    max_preferences: Mapped[int] = mapped_column(Integer,
                                                 default=POLICY_DEFAULTS.max_preferences)
    seed: Mapped[int] = mapped_column(BigInteger, default=POLICY_DEFAULTS.seed)
    time_limit_s: Mapped[float] = mapped_column(Float, default=POLICY_DEFAULTS.time_limit_s)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    # When the round was finished: the retention period of its students' data starts here.
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The answer deadline of its proposals, and what an unanswered one becomes then.
    respond_by: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    no_response: Mapped[str] = mapped_column(String(16), default=NO_RESPONSE[0],
                                             server_default=NO_RESPONSE[0])
    # The list deadline: students without a list are reminded two days before it.
    lists_by: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The last allocation's explanation (stats, unplaced reasons, shortage), as reported.
    # Loaded only when read: at 60,000 students it is 1.4 MB of JSON, which every page
    # that merely names a round (a company's offers, a student's rounds) would otherwise
    # fetch and decode, 40 ms and more a page once a round has been allocated. The last
    # column: SQLite keeps it in a chain of overflow pages and reads through that chain to
    # reach any column stored after it (migration 0017).
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    __table_args__ = (
        CheckConstraint(_enum_check("status", [s.value for s in RoundStatus]), name="status"),
        CheckConstraint(_enum_check("objective", OBJECTIVES), name="objective"),
        CheckConstraint(_enum_check("no_response", NO_RESPONSE), name="no_response"),
        CheckConstraint("max_preferences BETWEEN {} AND {}".format(*MAX_PREFERENCES_LIMITS),
                        name="max_preferences"),
    )


class Offer(Located, WithPathways, Base):
    """Everything a round document's offer holds, plus status and round."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"),
                                                       index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    level_mask: Mapped[int] = mapped_column(Integer)
    qualifications: Mapped[list[str]] = mapped_column(default=list)
    sector: Mapped[str] = mapped_column(String(80), index=True)
    region: Mapped[str] = mapped_column(String(80), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    reserved_priority: Mapped[int] = mapped_column(Integer, default=0)
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=OfferStatus.DRAFT, index=True)
    # What a student reads before listing the offer: where, how much a week, what it is.
    place: Mapped[str | None] = mapped_column(String(80))
    days_per_week: Mapped[int | None] = mapped_column(Integer)
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship(back_populates="offers")

    __table_args__ = (
        CheckConstraint(_enum_check("status", [s.value for s in OfferStatus]), name="status"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("reserved_priority >= 0 AND reserved_priority <= capacity",
                        name="reserved_priority"),
    )

    @property
    def levels(self) -> list[int]:
        return mask_to_levels(self.level_mask)

    @levels.setter
    def levels(self, value: list[int]) -> None:
        self.level_mask = levels_to_mask(value)


class RoundOffer(Base):
    """A finished round's offers as they were when it finished: the round's figures stay a
    snapshot after a follow-up moves the offers on (and their capacities change)."""

    __tablename__ = "round_offers"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)
    capacity: Mapped[int] = mapped_column(Integer)


class Student(Located, WithPathways, Base):
    """A pseudonymous student: a number unique within the school, never a name."""

    __tablename__ = "students"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_number: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer, index=True)
    qualification: Mapped[str | None] = mapped_column(String(5))
    sector: Mapped[str] = mapped_column(String(80), index=True)
    home_place: Mapped[str | None] = mapped_column(String(80))
    max_travel_km: Mapped[float | None] = mapped_column(Float)
    # Coordinators only: the flag is stored, the reason never is (see DOMAIN.md, privacy).
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    available_until: Mapped[dt.date | None] = mapped_column(Date)
    # Optional contact data for messages; personal data, so erased with the rest.
    email: Mapped[str | None] = mapped_column(String(254))
    # Set when the personal data was erased (on request, or by the retention purge).
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    region_rows: Mapped[list[StudentRegion]] = relationship(
        cascade="all, delete-orphan", order_by="StudentRegion.position", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("school_id", "student_number"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
    )

    @property
    def regions(self) -> list[str]:
        return [row.region for row in self.region_rows]

    @regions.setter
    def regions(self, value: list[str]) -> None:
        unique = list(dict.fromkeys(value))
        self.region_rows = [StudentRegion(region=r, position=i) for i, r in enumerate(unique)]


class StudentRegion(Base):
    __tablename__ = "student_regions"

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"),
                                            primary_key=True)
    region: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# Percent of each preferences page filled by inserts (PostgreSQL), the rest kept for updates.
PREFERENCES_FILLFACTOR = 85


class Preference(Base):
    __tablename__ = "preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: round_id leads the unique constraint below, which serves every
    # lookup by round (an index more would cost a B-tree insert per imported preference).
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"),
                                            index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    # In no index: a reordered list moves its ranks in place (rounds.lifecycle), and on
    # PostgreSQL that is a heap-only update, with no new entry in any index, only while no
    # index holds the rank (migration 0019). A student's ranks are distinct by
    # construction: every path writing a list numbers it by position in one statement
    # (test_preference_ranks.py).
    rank: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("round_id", "student_id", "offer_id"),
        CheckConstraint("rank >= 1", name="rank"),
        # How many students listed an offer in its round (the company pages) is read from
        # this index alone. With only an index on offer_id, SQLite without statistics chose
        # the round's unique index and read all of a round's preferences (530,000 at 60,000
        # students: 0.2 s a page); both columns of the condition make this one the
        # cheapest plan. It also serves everything that looked offer_id up alone.
        Index("ix_preferences_offer_round", "offer_id", "round_id", "student_id"),
        # Room on each page for a reordered list's new row versions, which a heap-only
        # update must place on the page of the old (migration 0019); an imported round's
        # pages are otherwise full.
        {"postgresql_with": {"fillfactor": PREFERENCES_FILLFACTOR}},
    )


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    rank: Mapped[int | None] = mapped_column(Integer)  # None: an unranked placement
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.PROPOSED)
    student_response: Mapped[str | None] = mapped_column(String(16))
    company_response: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("round_id", "student_id"),
        CheckConstraint(_enum_check("status", [s.value for s in AssignmentStatus]),
                        name="status"),
        # The seats taken at an offer (each accept counts them) are read from this index
        # alone. With only an index on offer_id, SQLite without statistics chose the one on
        # round_id and counted through all of a round's assignments (56,000 at 60,000
        # students); three equal columns make this the cheapest plan. It also serves
        # everything that looked offer_id up alone.
        Index("ix_assignments_offer_round", "offer_id", "round_id", "status"),
    )


class PokStatus(enum.StrEnum):
    """The bpv-blad's status as school systems keep it: voorlopig until both parts are
    filled in, volledig (ready to sign), definitief once signed (then it no longer changes:
    a change needs a new blad)."""

    VOORLOPIG = "voorlopig"
    VOLLEDIG = "volledig"
    DEFINITIEF = "definitief"


# The law's and BRON's bounds on a POK's hours (DOMAIN.md): at most 5,120 clock hours in all;
# per week no more than the Arbeidstijdenwet's 60, on at most 6 days (a weekly rest day).
POK_MAX_TOTAL_HOURS = 5120
POK_MAX_HOURS_PER_WEEK = 60
POK_MAX_DAYS_PER_WEEK = 6
# A POK is in BOL or BBL: BRON knows no third leerweg (a hybrid spot is learned in either).
POK_PATHWAYS = ("BOL", "BBL")


class Pok(Base):
    """The praktijkovereenkomst's bpv-blad of one accepted placement.

    What the student, school, offer and company rows already hold (student number, BRIN,
    level, the leerbedrijf's name) is read from them, not copied; this row holds what the
    parties fill in. One per student and offer: a placement kept (pinned) in a follow-up
    round keeps its POK. Names and e-mail addresses of people are stored only where a
    deployment switches them on (``POK_STORE_PEOPLE``); otherwise the school system merges
    them in.
    """

    __tablename__ = "poks"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), unique=True, index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    # BRON's bpv-volgnummer: the student's first, second, … bpv.
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=PokStatus.VOORLOPIG)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The day it became definitief: the contract date school systems report to BRON.
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    # The school's part.
    crebo: Mapped[str | None] = mapped_column(String(5))
    pathway: Mapped[str | None] = mapped_column(String(8))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_end_date: Mapped[dt.date | None] = mapped_column(Date)
    total_hours: Mapped[int | None] = mapped_column(Integer)
    praktijkbegeleider_name: Mapped[str | None] = mapped_column(String(200))
    praktijkbegeleider_email: Mapped[str | None] = mapped_column(String(254))
    # The company's part.
    sbb_code: Mapped[str | None] = mapped_column(String(9))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(7))
    place: Mapped[str | None] = mapped_column(String(80))
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    days_per_week: Mapped[int | None] = mapped_column(Integer)
    praktijkopleider_name: Mapped[str | None] = mapped_column(String(200))
    praktijkopleider_email: Mapped[str | None] = mapped_column(String(254))

    __table_args__ = (
        UniqueConstraint("student_id", "offer_id"),
        UniqueConstraint("student_id", "sequence"),
        CheckConstraint(_enum_check("status", [s.value for s in PokStatus]), name="status"),
    )


class RefRegion(Base):
    """A labour-market region (reference data, loaded by ``leerplek seed reference``)."""

    __tablename__ = "ref_regions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the slug records use
    name: Mapped[str] = mapped_column(String(200))


class RefPlace(Base):
    """A main place of a region, with approximate coordinates."""

    __tablename__ = "ref_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[str] = mapped_column(ForeignKey("ref_regions.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("region_id", "name"),)


class RefSector(Base):
    """A coarse sector group after the SBB sector chambers, with its employment share."""

    __tablename__ = "ref_sectors"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sbb_chamber: Mapped[str] = mapped_column(String(200))
    employment_share: Mapped[float] = mapped_column(Float)


class RefQualification(Base):
    """A qualification (crebo) code; ``synthetic`` marks codes made up for the demo."""

    __tablename__ = "ref_qualifications"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector_id: Mapped[str] = mapped_column(ForeignKey("ref_sectors.id"), index=True)
    level_mask: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean)

    @property
    def levels(self) -> list[int]:
        return mask_to_levels(self.level_mask)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak leaks no token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # "" for admin; "school:<id>" or "region:<name>" for coordinators; "company:<id>";
    # "student:<id>".
    scope: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    # A revoked token answers 401; the row stays so the audit log's actor ids keep meaning.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Past this moment the token is refused like a revoked one; None: until revoked.
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # "api": a bearer token a person or program was given; "session": made by a web sign-in
    # (a one-time link or the school's OpenID Connect), only its hash ever leaves the server
    # (in the signed session cookie), so the API refuses it.
    purpose: Mapped[str] = mapped_column(String(8), default=TOKEN_API,
                                         server_default=TOKEN_API)

    __table_args__ = (
        CheckConstraint(_enum_check("role", [r.value for r in Role]), name="role"),
        CheckConstraint(_enum_check("purpose", [TOKEN_API, TOKEN_SESSION]), name="purpose"),
        # Revoking a person's access finds every token of their scope.
        Index("ix_api_tokens_scope", "role", "scope"),
    )


class SignInLink(Base):
    """A one-time sign-in link: stored as the SHA-256 of its secret, used at most once, until
    ``expires_at``; using it starts a session (a ``session`` token, ``session_token_id``)."""

    __tablename__ = "signin_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(120), default="")
    # Who made it, as the audit log names an actor ("coordinator:school:1", "system").
    created_by: Mapped[str] = mapped_column(String(160), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The session the link opened; SET NULL keeps the link's row when tokens are erased.
    session_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        CheckConstraint(_enum_check("role", [r.value for r in Role]), name="role"),
        Index("ix_signin_links_scope", "role", "scope"),
    )


# At most one allocation job per round may be queued or running: the database refuses the
# second insert, whichever process or machine makes it. Both backends support partial indexes.
_ACTIVE_ALLOCATION = text("kind = 'allocate' AND status IN ('queued', 'running')")


class Job(Base):
    """A background allocation or simulation: the source of truth every API process reads.

    Workers write ``phase``/``percent`` as they go and ``heartbeat_at`` every few seconds; a
    running job whose heartbeat is older than the expiry has lost its worker (see
    service/jobs/lock.py).
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    phase: Mapped[str] = mapped_column(String(16), default="queued")
    step: Mapped[str | None] = mapped_column(String(40))  # the engine's stage while solving
    percent: Mapped[int] = mapped_column(Integer, default=0)
    # simulate: the scenario's name and overrides, as validated by the API
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(160))
    worker: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_enum_check("kind", [k.value for k in JobKind]), name="kind"),
        CheckConstraint(_enum_check("status", [s.value for s in JobStatus]), name="status"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        Index("uq_jobs_active_allocation", "round_id", unique=True,
              postgresql_where=_ACTIVE_ALLOCATION, sqlite_where=_ACTIVE_ALLOCATION),
    )


class Scenario(Base):
    """A what-if allocation's outcome: stored for comparison, never applied to the round."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True,
                                        unique=True)
    name: Mapped[str] = mapped_column(String(200))
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
class AuditEvent(Base):
    """One state change: who (the token's id, role and scope, never the token), what, when.

    ``round_id``, ``school_id`` and ``region`` place the event in a coordinator's scope.
    ``before`` and ``after`` hold the changed fields only; a student's values are never
    stored (only the names of the fields that changed), so erasure leaves nothing here.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # No foreign key: an event outlives the token, round or record it names.
    actor_token_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_scope: Mapped[str] = mapped_column(String(120), default="")
    # Where the actor came in: "api", a web surface ("staff"); null for the system.
    actor_surface: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    region: Mapped[str | None] = mapped_column(String(80), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
    )


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Message(Base):
    """One e-mail in the outbox, written in the transaction of the event that caused it.

    ``dedupe_key`` names the event and recipient (``round-opened:3:student:17``), so an event
    seen twice queues its message once. A background sweep sends it (service/messages/
    delivery.py); a failed attempt keeps its reason and is tried again at
    ``next_attempt_at``, later after each failure.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Who and what it is about, for the coordinators' scope and for erasure. A deleted
    # student's messages go with them (their address is in them); a deleted round or
    # company leaves its sent mail on record, so those two are no foreign keys.
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_enum_check("status", [s.value for s in MessageStatus]),
                        name="status"),
        Index("ix_messages_due", "status", "next_attempt_at"),
    )

class Agreement(Base):
    """A regional agreement on workplaces ("+200 BBL-plaatsen bouw Twente 2027"): the seats
    to be offered in a region and sector (a level and pathway, or all), in a school year,
    optionally counted from a baseline year's seats. The monitor shows progress against it."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(80), index=True)
    sector: Mapped[str] = mapped_column(String(80))
    level: Mapped[int | None] = mapped_column(Integer)  # None: every level
    pathway: Mapped[str | None] = mapped_column(String(16))  # None: every pathway
    school_year: Mapped[str] = mapped_column(String(9), index=True)  # "2026-2027"
    # None: the target counts all seats offered; a year: the seats offered beyond that year's.
    baseline_school_year: Mapped[str | None] = mapped_column(String(9))
    target: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())

    __table_args__ = (
        CheckConstraint("target >= 1", name="target"),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4", name="level"),
        CheckConstraint(f"pathway IS NULL OR {_enum_check('pathway', PATHWAYS)}",
                        name="pathway"),
    )


class MonitorFigures(Base):
    """A finished round's published monitor rows, suppressed, as first computed: open data
    stays what it was when it was first published (a student who joins the school later,
    or changes level, does not rewrite an old round), and the public endpoint does not redo
    the disclosure algebra on every request."""

    __tablename__ = "monitor_figures"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

# -- webhooks (service/webhooks, docs/INTEGRATION.md) -------------------------------------

WEBHOOK_EVENTS: tuple[str, ...] = (
    "offer.listed", "round.published", "proposal.created", "assignment.accepted",
    "assignment.declined", "pok.ready", "round.follow_up_started")


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt at next_attempt_at
    SENDING = "sending"  # claimed by a sender until claimed_until
    DELIVERED = "delivered"
    FAILED = "failed"  # out of attempts, or its endpoint was disabled


class WebhookEndpoint(Base):
    """A URL a company (or an admin, for a school's systems) receives events at.

    ``company_id`` set: a company's endpoint, for the events at its offers. ``school_id`` set
    (admins only): a school's systems, for the events of its rounds and students. Neither:
    an admin's endpoint, which receives every event. The secret signs
    every delivery (Standard Webhooks: ``whsec_`` and base64), so it is kept as given out;
    it is shown once, when the endpoint is registered.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(default=list)
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why it was disabled (a URL that kept failing), for its owner to read before enabling.
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    # Failed attempts in a row; a delivered attempt sets it back to 0.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    """One event for one endpoint: its log (attempts, last status and error) and its queue
    entry (``status``, ``next_attempt_at``); ``message_id`` is the ``webhook-id`` every
    attempt and replay repeats, so a receiver can drop duplicates."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                index=True)
    # A sender that dies mid-attempt leaves its claim; past this moment another may retry.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_enum_check("status", [s.value for s in DeliveryStatus]),
                        name="status"),
        CheckConstraint(_enum_check("event", WEBHOOK_EVENTS), name="event"),
    )
