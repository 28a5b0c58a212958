//! Consistency of the schedule figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
