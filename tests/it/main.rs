//! Integration tests through the real router and a real database (SQLite always,
//! PostgreSQL too when NINEFOLD_TEST_PG is set). One binary, so both share one build.
mod harness;

mod admin;
mod api_v1;
mod auth;
mod bad_input;
mod budget;
mod business_case;
mod cli;
mod collab;
mod concurrency;
mod consistency;
mod cutover_docs;
mod deliverable_docs;
mod deliverable_rework;
mod diagnosis;
mod documents;
mod durability;
mod golive;
mod hardening;
mod hooks;
mod ops;
mod organisation;
mod perf;
mod perf_http;
mod plan;
mod portfolio_scale;
mod projects;
mod raid;
mod risks;
mod schedule;
mod spreadsheets;
mod targets;
mod testing;
mod training;
mod workflow;
