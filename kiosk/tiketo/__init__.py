"""The Tiketo GraphQL API: schema, operations, client and its errors."""

from kiosk.tiketo.client import TiketoClient, Timeouts
from kiosk.tiketo.errors import (
    ApiUnreachable,
    GraphQLErrors,
    PassNotFound,
    RateLimited,
    RetryLater,
    ServerError,
    ServiceBusy,
    TiketoError,
    Unauthorized,
    UnreadableAnswer,
)
from kiosk.tiketo.models import Pass, Project, Registration, ScanEventReceipt

__all__ = [
    "ApiUnreachable",
    "GraphQLErrors",
    "Pass",
    "PassNotFound",
    "Project",
    "RateLimited",
    "Registration",
    "RetryLater",
    "ScanEventReceipt",
    "ServerError",
    "ServiceBusy",
    "TiketoClient",
    "TiketoError",
    "Timeouts",
    "Unauthorized",
    "UnreadableAnswer",
]
