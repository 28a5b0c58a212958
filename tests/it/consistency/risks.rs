//! Consistency of the risks figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
