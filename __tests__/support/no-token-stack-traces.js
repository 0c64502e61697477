// Test-only stand-in for cdktf's tokens/private/stack-trace module.
//
// cdktf captures a full stack trace every time a token (Lazy, Fn.*, references) is created,
// only to decorate a later resolution error. Under Jest every captured frame goes through
// source-map-support, which parses cdktf's inline source maps: that was ~40% of the unit
// suite's CPU time. The synth the operators run (plain node) keeps cdktf's own module.
exports.captureStackTrace = () => [];
