//! Report maps and charts (to come).
