"""Text analysis with spaCy, offline: redaction of personal data, abuse categories from free text,
and duties found in legislation.

Redaction (:mod:`analysis.text.redact`) is the only road from a complaint log's free text into any
output. Modules here load spaCy lazily so that importing the package stays cheap.
"""
