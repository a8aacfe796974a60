package suite

// ErrorEntry names the report entry of a spec that could not run.
// (Temporary: internal/suite/outcomes.go declares it on the reports branch.)
const ErrorEntry = "error"
