"""The coordinator's web page: annual-report figures, what employees ask, reminders — counts only."""
