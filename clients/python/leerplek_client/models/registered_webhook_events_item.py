from enum import StrEnum

class RegisteredWebhookEventsItem(StrEnum):
    ASSIGNMENT_ACCEPTED = "assignment.accepted"
    ASSIGNMENT_DECLINED = "assignment.declined"
    OFFER_LISTED = "offer.listed"
    POK_READY = "pok.ready"
    PROPOSAL_CREATED = "proposal.created"
    ROUND_FOLLOW_UP_STARTED = "round.follow_up_started"
    ROUND_PUBLISHED = "round.published"

    def __str__(self) -> str:
        return str(self.value)
