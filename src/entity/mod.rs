//! sea-orm entities, one file per table. Relations are expressed by id columns and queried
//! explicitly in `service/`.
pub mod activity;
pub mod attendance;
pub mod audit;
pub mod deliverable;
pub mod membership;
pub mod org_unit;
pub mod person;
pub mod phase;
pub mod phase_decision;
pub mod project;
pub mod project_member;
pub mod session;
pub mod training_session;
pub mod user;
