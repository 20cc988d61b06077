"""The design's enumerations a platform profile names (egress.platforms): kept apart from
the pydantic models of egress.model.design (~50 ms of class building at import) so that
reading the platform registry (``egress parse``) does not build the design models (CLI
start, issue 18). egress.model.design re-exports both: one class each, wherever imported."""

from __future__ import annotations

from enum import StrEnum


class Hashing(StrEnum):
    SOURCE_IP = "source-ip"
    SOURCE_DESTINATION_IP = "source-destination-ip"
    FIVE_TUPLE = "five-tuple"


class HaForm(StrEnum):
    CLUSTER = "cluster"  # one shared config, one virtual gateway (SRX chassis cluster, FGCP)
    SYNC_PAIR = "sync-pair"  # each member its own config, VRRP gateway, session sync
