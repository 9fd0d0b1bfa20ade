"""Every Qt class of the console lives here, and only here."""
