//! PLACEHOLDER: being written by a helper (the built-in flag server).
