//! Udsyn: the web application in which a municipal school administration runs its Erasmus+ KA120
//! school consortium — member schools, their staff, partners abroad, mobilities, goals and reports.

pub mod access_log;
pub mod app;
pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod mail;
pub mod metrics;
pub mod retention;
pub mod scale;
pub mod sql_stats;
pub mod telemetry;
pub mod web;
