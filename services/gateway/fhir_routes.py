"""FHIR R4 under /fhir: Task search and status, Consent, and the CapabilityStatement."""

from fastapi import APIRouter

router = APIRouter(prefix="/fhir", tags=["fhir"])
