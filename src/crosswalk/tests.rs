//! Unit tests of crosswalks.
