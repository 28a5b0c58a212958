//! sea-orm entities, one file per table. Relations are expressed by id columns and queried
//! explicitly in `service/`.
pub mod activity;
pub mod api_token;
pub mod attendance;
pub mod audit;
pub mod bc_benefit;
pub mod bc_cost;
pub mod bc_scenario;
pub mod business_case;
pub mod crm_module;
pub mod deliverable;
pub mod document;
pub mod measurement;
pub mod membership;
pub mod module_feature;
pub mod org_unit;
pub mod person;
pub mod phase;
pub mod phase_decision;
pub mod project;
pub mod project_member;
pub mod review;
pub mod review_action;
pub mod session;
pub mod target;
pub mod training_session;
pub mod user;
