"""The regional monitor (issue 15): open figures over finished rounds, with disclosure
control, and the regional agreements they are measured against."""
