//! Integration tests through the real router and a real database (SQLite always,
//! PostgreSQL too when NINEFOLD_TEST_PG is set). One binary, so both share one build.
mod harness;

mod admin;
mod api_v1;
mod auth;
mod bad_input;
mod business_case;
mod cli;
mod concurrency;
mod consistency;
mod deliverable_docs;
mod diagnosis;
mod documents;
mod durability;
mod hardening;
mod ops;
mod organisation;
mod perf;
mod perf_http;
mod plan;
mod projects;
mod risks;
mod schedule;
mod targets;
mod training;
mod workflow;
