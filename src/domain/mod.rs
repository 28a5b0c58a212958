//! Pure domain logic: no I/O, no database types. Each module has its unit tests.
pub mod catalog;
pub mod gates;
pub mod health;
pub mod org;
pub mod org_rules;
pub mod people;
pub mod policy;
pub mod project_input;
pub mod schedule;
pub mod training;
pub mod validation;
pub mod workflow;
