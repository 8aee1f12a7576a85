package fakes

// countRequests counts the recorded requests to method and path that the
// fake answered with a 2xx status: how many revocations it granted.
func countRequests(rs []Request, method, path string) int {
	n := 0
	for _, r := range rs {
		if r.Method == method && r.Path == path && r.Status >= 200 && r.Status <= 299 {
			n++
		}
	}
	return n
}
