//! Consistency of the targets figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
