//! Pure domain logic: no I/O, no database types. Each module has its unit tests.
pub mod business_case;
pub mod calendar;
pub mod catalog;
pub mod cpm;
pub mod finance;
pub mod gates;
pub mod health;
pub mod modules;
pub mod money;
pub mod policy;
pub mod project_input;
pub mod schedule;
pub mod targets;
pub mod validation;
pub mod workflow;
