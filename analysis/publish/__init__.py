"""Publication: disclosure control (``[c]``, ``[x]``, ``[z]``), tables and charts fit for readers."""
