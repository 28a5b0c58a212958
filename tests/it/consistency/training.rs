//! Consistency of the training figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
