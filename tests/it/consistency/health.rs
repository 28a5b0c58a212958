//! Consistency of the health figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
