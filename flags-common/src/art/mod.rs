//! PLACEHOLDER: being written by a helper (flag drawings as GIFs).
