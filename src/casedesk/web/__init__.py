"""The analyst's web interface: server-rendered pages at `/ui/`.

Every page is a client of casedesk's own HTTP API, called in process with the
visitor's session cookie: the API's validation, access rules and events apply
to what a page does exactly as they apply to any other client.
"""
