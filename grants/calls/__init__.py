"""Calls for proposals (staff) and the organisation records staff keep (grade, inspections, 失信)."""
