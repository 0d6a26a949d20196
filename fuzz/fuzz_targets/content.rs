//! Any bytes as a content file: loading, rendering, publishing and grading against it must
//! never panic, whatever the file says. The first byte picks where the file sits (a scenario or
//! a wiki page), the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    firedrill::fuzzing::content(data);
});
