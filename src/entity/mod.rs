//! sea-orm entities, one file per table. Relations are expressed by id columns and queried
//! explicitly in `service/`.
pub mod activity;
pub mod audit;
pub mod bc_benefit;
pub mod bc_cost;
pub mod bc_scenario;
pub mod business_case;
pub mod deliverable;
pub mod phase;
pub mod phase_decision;
pub mod project;
pub mod project_member;
pub mod session;
pub mod user;
