"""Students: pseudonymous records their school's coordinators manage.

The priority flag is written and shown to admins and coordinators only: other callers get
the record without the field at all.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.api.etags import check_if_match, etag_of, send_etag
from service.directory.imports import UPLOAD_TYPES, ImportSummary, import_students, parse_upload
from service.directory.records import delete_record
from service.directory.students import (
    require_student_writer,
    save_student,
    student_filter,
    student_query,
    visible_student,
)
from service.extensions import db
from service.identity.principals import Principal
from service.identity.signin import current_principal
from service.models import STAFF, Role, Student
from service.pagination import page
from service.privacy.students import data_export, erase_student
from service.schemas import (
    DataExportSchema,
    ImportQuerySchema,
    ImportSummarySchema,
    StudentQuerySchema,
    StudentSchema,
    upload_body,
)

blp = resource_blueprint("students", "Students, pseudonymous: a number, never a name")


class WithoutPriority:
    """A student as non-staff see it: the schema finds no ``priority`` and leaves it out."""

    def __init__(self, student: Student) -> None:
        self._student = student

    def __getattr__(self, name: str) -> Any:
        if name == "priority":
            raise AttributeError(name)
        return getattr(self._student, name)


def shown(p: Principal, student: Student) -> Student | WithoutPriority:
    return student if p.is_staff else WithoutPriority(student)


@blp.route("")
class Students(MethodView):
    @blp.arguments(StudentQuerySchema, location="query")
    @blp.response(200, StudentSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any], pagination_parameters: PaginationParameters
            ) -> list[Student | WithoutPriority]:
        """List the students in the caller's scope."""
        p = current_principal()
        p.require(*STAFF, Role.STUDENT)
        rows, pagination_parameters.item_count = page(
            db.session, student_query(filters, student_filter(p)),
            pagination_parameters.page, pagination_parameters.page_size)
        return [shown(p, s) for s in rows]

    @blp.arguments(StudentSchema, example=examples.STUDENT)
    @blp.response(201, StudentSchema)
    def post(self, data: dict[str, Any]) -> Student:
        """Add a student (admins, coordinators for their own school or region).

        409: the school already has a student with this number.
        """
        require_student_writer(current_principal(), data)
        with db.transaction() as session:
            return save_student(session, current_principal(), Student(), data)


@blp.route("/import")
class StudentImport(MethodView):
    body_types = UPLOAD_TYPES

    @blp.arguments(ImportQuerySchema, location="query")
    @blp.doc(requestBody=upload_body("Student", examples.STUDENTS_IMPORT))
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.response(200, ImportSummarySchema)
    def post(self, query: dict[str, Any]) -> ImportSummary:
        """Import students from a JSON array or CSV: every row checked, all or nothing.

        Every bad row is named in the 422 (`3.level`), and nothing is written.
        """
        p = current_principal()
        upload = parse_upload(request.get_data(), request.content_type or "")
        with db.transaction() as session:
            return import_students(session, p, upload, query["on_conflict"])


@blp.route("/<int:student_id>")
class StudentItem(MethodView):
    @every_role
    @blp.response(200, StudentSchema)
    def get(self, student_id: int) -> Student | WithoutPriority:
        """Show a student, with the ETag for a later If-Match."""
        p = current_principal()
        student = shown(p, visible_student(db.session, p, student_id))
        send_etag(etag_of(StudentSchema(), student))
        return student

    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.arguments(StudentSchema(partial=True), example=examples.STUDENT_PATCH)
    @blp.response(200, StudentSchema)
    def patch(self, data: dict[str, Any], student_id: int) -> Student:
        """Change a student (staff in scope; 412 if If-Match is stale)."""
        p = current_principal()
        with db.transaction() as session:
            student = visible_student(session, p, student_id, lock=True)
            require_student_writer(p, data)
            check_if_match(etag_of(StudentSchema(), student))
            saved = save_student(session, p, student, data)
        send_etag(etag_of(StudentSchema(), saved))
        return saved

    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.response(204)
    def delete(self, student_id: int) -> None:
        """Delete a student and their preferences (staff in scope; 412 if If-Match is stale)."""
        p = current_principal()
        with db.transaction() as session:
            student = visible_student(session, p, student_id, lock=True)
            require_student_writer(p, {})
            check_if_match(etag_of(StudentSchema(), student))
            delete_record(session, p, student)


@blp.route("/<int:student_id>/data-export")
class StudentDataExport(MethodView):
    @blp.response(200, DataExportSchema)
    def get(self, student_id: int) -> dict[str, Any]:
        """Everything stored about a student, as JSON (the student, or staff in scope)."""
        p = current_principal()
        p.require(*STAFF, Role.STUDENT)
        return data_export(db.session, visible_student(db.session, p, student_id))


@blp.route("/<int:student_id>/erase")
class StudentErase(MethodView):
    @blp.response(200, StudentSchema)
    def post(self, student_id: int) -> Student:
        """Erase a student's personal data, keeping anonymous statistics (staff in scope).

        Irreversible: the student's record and lists are removed; rounds keep their counts.
        """
        p = current_principal()
        with db.transaction() as session:
            student = visible_student(session, p, student_id, lock=True)
            require_student_writer(p, {})
            return erase_student(session, p, student)
