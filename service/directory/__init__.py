"""The directory: schools, companies, environments, offers and students.

One module per entity holds its scope rules (who sees and writes it), its queries and its
rules; ``records`` what they share (saving with its audit event, deleting), ``imports`` the
bulk imports of students and offers.
"""
