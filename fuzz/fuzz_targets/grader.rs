//! Any answer against every rubric of the fixture content (`tests/fixtures/content`): grading
//! must never panic, and every evidence span must lie inside the answer on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    firedrill::fuzzing::grader(data);
});
