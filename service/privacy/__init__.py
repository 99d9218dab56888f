"""Privacy (AVG): a student's data export, erasure, and the retention purge."""
