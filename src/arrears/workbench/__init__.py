"""The collector's work queue, the account page's actions and the recording of contacts."""
