// Package diff compares two runs of the live specs against two endpoints
// of one vendor: it pairs their recordings by spec and exchange, masks
// what differs between any two runs (run ids in bucket names, request
// ids, owners, tokens, times, hosts), compares what is left, and says of
// each difference whether it is a contract violation on one side (a
// check fires, or the spec fails, there only), a capability one side
// lacks (its spec finds it unsupported), or a variance the contract
// allows (element order, date precision, optional elements, content-type
// parameters, wording, the body's layout).
package diff
