//! Consistency of the business_case figures across surfaces (see ../consistency.rs).
#[allow(unused_imports)]
use super::*;
