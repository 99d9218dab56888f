""" Contains all the data models used in inputs/outputs """

from .agreement import Agreement
from .agreement_pathway_type_1 import AgreementPathwayType1
from .agreement_pathway_type_2_type_1 import AgreementPathwayType2Type1
from .agreement_pathway_type_3_type_1 import AgreementPathwayType3Type1
from .answer import Answer
from .assignment import Assignment
from .audit_event import AuditEvent
from .audit_event_after_type_0 import AuditEventAfterType0
from .audit_event_before_type_0 import AuditEventBeforeType0
from .capacity_override import CapacityOverride
from .company import Company
from .company_patch import CompanyPatch
from .comparison import Comparison
from .comparison_current import ComparisonCurrent
from .comparison_delta import ComparisonDelta
from .comparison_scenario import ComparisonScenario
from .comparison_sectors_item import ComparisonSectorsItem
from .data_export import DataExport
from .environment import Environment
from .environment_patch import EnvironmentPatch
from .exported_assignment import ExportedAssignment
from .exported_pok import ExportedPok
from .exported_preferences import ExportedPreferences
from .exported_student import ExportedStudent
from .exported_student_location_type_1_type_0 import ExportedStudentLocationType1Type0
from .exported_student_pathways_item import ExportedStudentPathwaysItem
from .field_error import FieldError
from .get_api_v1_assignments_status import GetApiV1AssignmentsStatus
from .get_api_v1_audit_actor_role import GetApiV1AuditActorRole
from .get_api_v1_jobs_kind import GetApiV1JobsKind
from .get_api_v1_jobs_status import GetApiV1JobsStatus
from .get_api_v1_messages_status import GetApiV1MessagesStatus
from .get_api_v1_monitor_agreements_format import GetApiV1MonitorAgreementsFormat
from .get_api_v1_monitor_format import GetApiV1MonitorFormat
from .get_api_v1_offers_pathway import GetApiV1OffersPathway
from .get_api_v1_offers_status import GetApiV1OffersStatus
from .get_api_v1_rounds_round_id_assignments_status import GetApiV1RoundsRoundIdAssignmentsStatus
from .get_api_v1_rounds_status import GetApiV1RoundsStatus
from .get_api_v1_students_pathway import GetApiV1StudentsPathway
from .get_api_v1_tokens_role import GetApiV1TokensRole
from .get_api_v1_webhooks_endpoint_id_deliveries_event import GetApiV1WebhooksEndpointIdDeliveriesEvent
from .get_api_v1_webhooks_endpoint_id_deliveries_status import GetApiV1WebhooksEndpointIdDeliveriesStatus
from .health import Health
from .health_checks import HealthChecks
from .import_summary import ImportSummary
from .issued_token import IssuedToken
from .issued_token_role import IssuedTokenRole
from .job import Job
from .job_params_type_0 import JobParamsType0
from .job_result_type_0 import JobResultType0
from .location import Location
from .message import Message
from .monitor import Monitor
from .monitor_row import MonitorRow
from .offer import Offer
from .offer_location_type_1_type_0 import OfferLocationType1Type0
from .offer_patch import OfferPatch
from .offer_patch_location_type_1_type_0 import OfferPatchLocationType1Type0
from .offer_patch_pathways_item import OfferPatchPathwaysItem
from .offer_patch_status import OfferPatchStatus
from .offer_pathways_item import OfferPathwaysItem
from .offer_status import OfferStatus
from .pagination_metadata import PaginationMetadata
from .pok import Pok
from .pok_update import PokUpdate
from .pok_update_leerweg_type_1 import PokUpdateLeerwegType1
from .pok_update_leerweg_type_2_type_1 import PokUpdateLeerwegType2Type1
from .pok_update_leerweg_type_3_type_1 import PokUpdateLeerwegType3Type1
from .policy_override import PolicyOverride
from .policy_override_objective import PolicyOverrideObjective
from .post_api_v1_rounds_import_body import PostApiV1RoundsImportBody
from .post_api_v1_rounds_import_ids import PostApiV1RoundsImportIds
from .post_api_v1_rounds_round_id_action_action import PostApiV1RoundsRoundIdActionAction
from .post_api_v1_students_import_on_conflict import PostApiV1StudentsImportOnConflict
from .preferences import Preferences
from .problem import Problem
from .registered_webhook import RegisteredWebhook
from .registered_webhook_events_item import RegisteredWebhookEventsItem
from .report import Report
from .report_scope import ReportScope
from .report_shortage_item import ReportShortageItem
from .report_stats import ReportStats
from .report_unassigned_item import ReportUnassignedItem
from .round_ import Round
from .round_import import RoundImport
from .round_import_warnings_item import RoundImportWarningsItem
from .round_no_response import RoundNoResponse
from .round_objective import RoundObjective
from .round_patch import RoundPatch
from .round_patch_no_response import RoundPatchNoResponse
from .round_patch_objective import RoundPatchObjective
from .scale_override import ScaleOverride
from .scenario import Scenario
from .scenario_overrides import ScenarioOverrides
from .scenario_report import ScenarioReport
from .school import School
from .school_patch import SchoolPatch
from .simulate import Simulate
from .student import Student
from .student_location_type_1_type_0 import StudentLocationType1Type0
from .student_patch import StudentPatch
from .student_patch_location_type_1_type_0 import StudentPatchLocationType1Type0
from .student_patch_pathways_item import StudentPatchPathwaysItem
from .student_pathways_item import StudentPathwaysItem
from .token import Token
from .token_role import TokenRole
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_payload import WebhookDeliveryPayload
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_events_item import WebhookEndpointEventsItem
from .webhook_endpoint_patch import WebhookEndpointPatch
from .webhook_endpoint_patch_events_item import WebhookEndpointPatchEventsItem

__all__ = (
    "Agreement",
    "AgreementPathwayType1",
    "AgreementPathwayType2Type1",
    "AgreementPathwayType3Type1",
    "Answer",
    "Assignment",
    "AuditEvent",
    "AuditEventAfterType0",
    "AuditEventBeforeType0",
    "CapacityOverride",
    "Company",
    "CompanyPatch",
    "Comparison",
    "ComparisonCurrent",
    "ComparisonDelta",
    "ComparisonScenario",
    "ComparisonSectorsItem",
    "DataExport",
    "Environment",
    "EnvironmentPatch",
    "ExportedAssignment",
    "ExportedPok",
    "ExportedPreferences",
    "ExportedStudent",
    "ExportedStudentLocationType1Type0",
    "ExportedStudentPathwaysItem",
    "FieldError",
    "GetApiV1AssignmentsStatus",
    "GetApiV1AuditActorRole",
    "GetApiV1JobsKind",
    "GetApiV1JobsStatus",
    "GetApiV1MessagesStatus",
    "GetApiV1MonitorAgreementsFormat",
    "GetApiV1MonitorFormat",
    "GetApiV1OffersPathway",
    "GetApiV1OffersStatus",
    "GetApiV1RoundsRoundIdAssignmentsStatus",
    "GetApiV1RoundsStatus",
    "GetApiV1StudentsPathway",
    "GetApiV1TokensRole",
    "GetApiV1WebhooksEndpointIdDeliveriesEvent",
    "GetApiV1WebhooksEndpointIdDeliveriesStatus",
    "Health",
    "HealthChecks",
    "ImportSummary",
    "IssuedToken",
    "IssuedTokenRole",
    "Job",
    "JobParamsType0",
    "JobResultType0",
    "Location",
    "Message",
    "Monitor",
    "MonitorRow",
    "Offer",
    "OfferLocationType1Type0",
    "OfferPatch",
    "OfferPatchLocationType1Type0",
    "OfferPatchPathwaysItem",
    "OfferPatchStatus",
    "OfferPathwaysItem",
    "OfferStatus",
    "PaginationMetadata",
    "Pok",
    "PokUpdate",
    "PokUpdateLeerwegType1",
    "PokUpdateLeerwegType2Type1",
    "PokUpdateLeerwegType3Type1",
    "PolicyOverride",
    "PolicyOverrideObjective",
    "PostApiV1RoundsImportBody",
    "PostApiV1RoundsImportIds",
    "PostApiV1RoundsRoundIdActionAction",
    "PostApiV1StudentsImportOnConflict",
    "Preferences",
    "Problem",
    "RegisteredWebhook",
    "RegisteredWebhookEventsItem",
    "Report",
    "ReportScope",
    "ReportShortageItem",
    "ReportStats",
    "ReportUnassignedItem",
    "Round",
    "RoundImport",
    "RoundImportWarningsItem",
    "RoundNoResponse",
    "RoundObjective",
    "RoundPatch",
    "RoundPatchNoResponse",
    "RoundPatchObjective",
    "ScaleOverride",
    "Scenario",
    "ScenarioOverrides",
    "ScenarioReport",
    "School",
    "SchoolPatch",
    "Simulate",
    "Student",
    "StudentLocationType1Type0",
    "StudentPatch",
    "StudentPatchLocationType1Type0",
    "StudentPatchPathwaysItem",
    "StudentPathwaysItem",
    "Token",
    "TokenRole",
    "WebhookDelivery",
    "WebhookDeliveryPayload",
    "WebhookEndpoint",
    "WebhookEndpointEventsItem",
    "WebhookEndpointPatch",
    "WebhookEndpointPatchEventsItem",
)
