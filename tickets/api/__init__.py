"""REST API v1 for demands and tickets (../shared/spec/API.md). A thin layer: every change goes through tickets.workflow."""
