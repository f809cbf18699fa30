//! What a security review tries against a running node: SECURITY.md lists each finding
//! and the test that proves it fixed.

mod answers;
mod audit;
mod files;
mod sign_in;
