"""The organisation's API, with a personal token: its requests (private ones too), drafts, sending,
events through the transitions service, documents with the forms' checks, and due deadlines.

Objects of another organisation answer 404 (not even their existence is confirmed); a read token
or a viewer's token that tries to write gets 403. Every write calls ``foia.services``."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from foia.api import inputs
from foia.api import serializers as s
from foia.api.pagination import KeysetPagination
from foia.api.permissions import HasToken, TokenMayWrite, token_of
from foia.api.views.common import errors, paginated, path_id, query_id
from foia.models import Attachment, Authority, Event, Request, RequestStatus, Topic
from foia.public import selectors as public_selectors
from foia.services import requests as request_services
from foia.services.transitions import correct_event, retract_event
from foia.workspace import access
from foia.workspace import selectors as workspace_selectors


class TokenView(GenericAPIView):
    permission_classes = [HasToken, TokenMayWrite]

    @property
    def token(self):
        return token_of(self.request)

    def org_request(self, pk, *, edit: bool = False) -> Request:
        """The token's organisation's request (404 for anyone else's; 403 for a viewer's write)."""
        request = access.get_request(self.request.user, path_id(pk), edit=edit)
        if request.organization_id != self.token.organization_id:
            raise Http404
        return request


def _org_requests(token) -> object:
    return Request.objects.filter(organization_id=token.organization_id).select_related("authority")


class WriteResult(serializers.Serializer):
    event = s.OrgEventSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


def _event_result(event: Event, request) -> dict:
    event = (
        Event.objects.select_related("forwarded_to")
        .prefetch_related("grounds", "attachments")
        .get(pk=event.pk)
    )
    data = s.OrgEventSerializer(event, context={"request": request}).data
    return {"event": data, "warnings": data["warnings"]}


class OrgRequestList(TokenView):
    """The organisation's requests, newest first (private and draft ones too); POST files a draft."""

    serializer_class = s.OrgRequestSerializer

    @extend_schema(
        operation_id="workspace_requests_list",
        parameters=[
            OpenApiParameter("status", str, enum=RequestStatus.values),
            OpenApiParameter("authority", int),
        ],
        responses={200: paginated(s.OrgRequestSerializer), **errors(400, 401, 429)},
    )
    def get(self, request):
        requests = _org_requests(self.token)
        status = request.query_params.get("status", "")
        if status:
            if status not in RequestStatus.values:
                raise ValidationError({"status": [_("Select a valid choice.")]})
            requests = requests.filter(status=status)
        authority = query_id(request, "authority")
        if authority is not None:
            requests = requests.filter(authority_id=authority)
        paginator = KeysetPagination(("-pk",))
        page = paginator.paginate_queryset(requests, request, self)
        return paginator.get_paginated_response(s.OrgRequestSerializer(page, many=True).data)

    @extend_schema(
        operation_id="workspace_requests_create",
        request=inputs.RequestCreateInput,
        responses={201: s.OrgRequestSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        given = inputs.RequestCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        authority = Authority.objects.filter(pk=fields.pop("authority"), active=True).first()
        if authority is None:
            raise ValidationError({"authority": [_("No such authority.")]})
        topic_ids = fields.pop("topics", [])
        topics = list(Topic.objects.filter(pk__in=topic_ids))
        if len(topics) != len(set(topic_ids)):
            raise ValidationError({"topics": [_("No such topic.")]})
        organization = self.token.organization
        created = request_services.request_create(
            organization=organization,
            user=request.user,
            authority=authority,
            topics=topics,
            **fields,
        )
        created = _org_requests(self.token).get(pk=created.pk)
        return Response(s.OrgRequestSerializer(created).data, status=201)


class OrgRequestDetail(TokenView):
    """One of the organisation's requests: every event (with its warnings), deadline and document."""

    serializer_class = s.OrgRequestDetail

    @extend_schema(
        operation_id="workspace_requests_retrieve",
        responses={200: s.OrgRequestDetail, **errors(401, 404, 429)},
    )
    def get(self, request, pk):
        obj = self.org_request(pk)
        context = {
            "request": request,
            "events": workspace_selectors.timeline(obj),
            "deadlines": public_selectors.public_deadlines(obj),
            "documents": list(obj.attachments.order_by("uploaded_at", "pk")),
        }
        return Response(s.OrgRequestDetail(obj, context=context).data)


class MarkSent(TokenView):
    """The request left: its date and channel (the answer deadline starts from its receipt)."""

    serializer_class = WriteResult

    @extend_schema(
        operation_id="workspace_requests_send",
        request=inputs.MarkSentInput,
        responses={201: WriteResult, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk):
        obj = self.org_request(pk, edit=True)
        given = inputs.MarkSentInput(data=request.data)
        given.is_valid(raise_exception=True)
        event = request_services.request_mark_sent(
            request=obj, user=request.user, **given.validated_data
        )
        return Response(_event_result(event, request), status=201)


class QueuedEmail(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    state = serializers.CharField()
    to = serializers.ListField(child=serializers.CharField())
    subject = serializers.CharField()
    message_id = serializers.CharField()


class SendEmail(TokenView):
    """Send a draft to its authority by e-mail, as the workspace does: the letter as the text
    (or your ``subject``/``body``), the official form as a PDF, to the authority's address (or
    ``to``). The request is marked sent when the mail server accepts the message; ``key`` makes a
    repeated POST send once. 202: queued."""

    serializer_class = QueuedEmail

    @extend_schema(
        operation_id="workspace_requests_send_email",
        request=inputs.SendEmailInput,
        responses={202: QueuedEmail, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk):
        from foia.mail.outbound import services as mail
        from foia.mail.outbound.models import MessageKind
        from foia.models import EventKind
        from foia.workspace import documents as docs

        obj = self.org_request(pk, edit=True)
        given = inputs.SendEmailInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if obj.status != RequestStatus.DRAFT:
            raise ValidationError({"non_field_errors": [_("This request was already sent.")]})
        to = data.get("to") or ([obj.authority.email] if obj.authority.email else [])
        if not to:
            raise ValidationError(
                {"to": [_("No e-mail address is known for this authority: give one.")]}
            )
        body = data.get("body")
        if not body:
            letter = docs.build(
                "request", obj, today=public_selectors.today(), options=docs.Options()
            )
            body = docs.to_text(letter)
        message = mail.message_queue(
            request=obj,
            user=request.user,
            kind=MessageKind.REQUEST,
            to=to,
            subject=data.get("subject") or mail.request_subject(obj),
            body=body,
            idempotency_key=f"api-{self.token.pk}-{obj.pk}-{data['key']}",
            include_form_pdf=True,
            event_values={"kind": EventKind.SENT},
        )
        return Response(QueuedEmail(message).data, status=202)


def _resolve_event_refs(obj: Request, fields: dict) -> dict:
    if fields.get("forwarded_to") is not None:
        authority = Authority.objects.filter(pk=fields["forwarded_to"]).first()
        if authority is None:
            raise ValidationError({"forwarded_to": [_("No such authority.")]})
        fields["forwarded_to"] = authority
    if fields.get("related_event") is not None:
        related = Event.objects.live().filter(pk=fields["related_event"], request=obj).first()
        if related is None:
            raise ValidationError({"related_event": [_("No such event on this request.")]})
        fields["related_event"] = related
    return fields


class RecordEvent(TokenView):
    """Record what happened (an answer, an extension, a refusal with its grounds, an appeal, …)
    through the same validation as the forms: 400 with a message per field when the law or the
    history rules it out; accepted facts that are questionable come back as ``warnings``."""

    serializer_class = WriteResult

    @extend_schema(
        operation_id="workspace_events_create",
        request=inputs.EventInput,
        responses={201: WriteResult, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk):
        obj = self.org_request(pk, edit=True)
        given = inputs.EventInput(data=request.data)
        given.is_valid(raise_exception=True)
        fields = _resolve_event_refs(obj, dict(given.validated_data))
        event = request_services.event_record(
            request=obj,
            user=request.user,
            kind=fields.pop("kind"),
            occurred_on=fields.pop("occurred_on"),
            grounds=fields.pop("grounds", []),
            **fields,
        )
        return Response(_event_result(event, request), status=201)


class EventChange(TokenView):
    def org_event(self, pk, event_pk) -> tuple[Request, Event]:
        obj = self.org_request(pk, edit=True)
        event = Event.objects.filter(pk=path_id(event_pk), request=obj).first()
        if event is None:
            raise Http404
        return obj, event


class CorrectEvent(EventChange):
    """Correct the facts of a recorded step (a mistyped date, a wrong number): validated against
    the rest of the timeline like a new step; the step keeps its id, the old facts are kept."""

    serializer_class = WriteResult

    @extend_schema(
        operation_id="workspace_events_correct",
        request=inputs.CorrectInput,
        responses={200: WriteResult, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk, event_pk):
        obj, event = self.org_event(pk, event_pk)
        given = inputs.CorrectInput(data=request.data)
        given.is_valid(raise_exception=True)
        fields = _resolve_event_refs(obj, dict(given.validated_data))
        fields.pop("is_public", None)
        why = fields.pop("why", "")
        corrected = correct_event(event=event, by=request.user, why=why, **fields)
        return Response(_event_result(corrected, request))


class RetractEvent(EventChange):
    """Take back a step that never happened (it stays in the record, marked retracted)."""

    serializer_class = WriteResult

    @extend_schema(
        operation_id="workspace_events_retract",
        request=inputs.RetractInput,
        responses={200: WriteResult, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk, event_pk):
        _obj, event = self.org_event(pk, event_pk)
        given = inputs.RetractInput(data=request.data)
        given.is_valid(raise_exception=True)
        retracted = retract_event(
            event=event, by=request.user, reason=given.validated_data["reason"]
        )
        return Response(_event_result(retracted, request))


class IncomingMessage(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    received_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    from_address = serializers.CharField()
    from_name = serializers.CharField()
    subject = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_attachments(self, obj) -> list[str]:
        return [a.original_name for a in obj.attachments.all()]


class RequestMessages(TokenView):
    """The e-mails that came in on this request (replies matched to it), oldest first; one
    request's messages come in one page (``next`` and ``previous`` are null)."""

    serializer_class = IncomingMessage

    @extend_schema(
        operation_id="workspace_messages_list",
        responses={200: paginated(IncomingMessage), **errors(401, 404, 429)},
    )
    def get(self, request, pk):
        from foia.mail.inbound.selectors import request_messages

        obj = self.org_request(pk)
        data = IncomingMessage(request_messages(obj), many=True).data
        return Response({"next": None, "previous": None, "results": data})


class AttachmentCreated(serializers.Serializer):
    document = s.OrgDocumentSerializer()


class AddAttachment(TokenView):
    """Upload a document (multipart ``file``), optionally to one of the request's events; the
    same checks as the forms (size, type read from the content)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = AttachmentCreated

    @extend_schema(
        operation_id="workspace_attachments_create",
        request={"multipart/form-data": inputs.AttachmentInput},
        responses={201: AttachmentCreated, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, pk):
        obj = self.org_request(pk, edit=True)
        given = inputs.AttachmentInput(data=request.data)
        given.is_valid(raise_exception=True)
        event = None
        if given.validated_data.get("event") is not None:
            event = Event.objects.filter(pk=given.validated_data["event"], request=obj).first()
            if event is None:
                raise ValidationError({"event": [_("No such event on this request.")]})
        try:
            attachment = request_services.attachment_add(
                request=obj,
                user=request.user,
                upload=given.validated_data["file"],
                event=event,
                is_public=given.validated_data["is_public"],
            )
        except Exception as exc:
            from django.core.exceptions import ValidationError as DjangoValidationError

            if isinstance(exc, DjangoValidationError) and not hasattr(exc, "error_dict"):
                raise ValidationError({"file": exc.messages}) from None
            raise
        attachment = Attachment.objects.get(pk=attachment.pk)
        return Response(
            {"document": s.OrgDocumentSerializer(attachment, context={"request": request}).data},
            status=201,
        )


class DocumentDownload(TokenView):
    """A stored document of the organisation's requests, as a download (never rendered inline)."""

    @extend_schema(
        operation_id="workspace_documents_download",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **errors(401, 404, 429),
        },
    )
    def get(self, request, pk):
        attachment = access.get_attachment(request.user, path_id(pk))
        if attachment.request.organization_id != self.token.organization_id:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class DueDeadlines(TokenView):
    """The organisation's deadlines that need attention and fall due within ``within`` days
    (default 7; overdue ones included), soonest first — as on the My work board."""

    serializer_class = s.OrgDeadlineSerializer

    @extend_schema(
        operation_id="workspace_deadlines_list",
        parameters=[OpenApiParameter("within", int, description="Days ahead (0 to 366).")],
        responses={200: paginated(s.OrgDeadlineSerializer), **errors(400, 401, 429)},
    )
    def get(self, request):
        today = public_selectors.today()
        raw = request.query_params.get("within", "7")
        if not (raw.isascii() and raw.isdigit() and int(raw) <= 366):
            raise ValidationError({"within": [_("Give a whole number of days from 0 to 366.")]})
        horizon = today + dt.timedelta(days=int(raw))
        deadlines = workspace_selectors.live_deadlines(
            Request.objects.filter(organization_id=self.token.organization_id), today=today
        ).filter(due_on__lte=horizon)
        paginator = KeysetPagination(("due_on", "pk"))
        page = paginator.paginate_queryset(deadlines, request, self)
        data = s.OrgDeadlineSerializer(page, many=True, context={"today": today}).data
        return paginator.get_paginated_response(data)
