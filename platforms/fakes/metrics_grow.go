package fakes

import "hash/fnv"

// grownCount is the number a fake answers for metric of post id on its
// read-th read (1, 2, ...): a base taken from the id and the metric plus
// read times step, so the numbers are the same in every run and grow with
// every read. base bounds the part taken from the id (0 <= it < base).
func grownCount(id, metric string, read int, base, step int64) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id + "\x00" + metric))
	var b int64
	if base > 0 {
		b = int64(h.Sum32()) % base
	}
	return b + int64(read)*step
}

// postReads counts the metric reads of each post (and of the account,
// under ""), for grownCount. The zero value is ready; callers hold the
// fake's lock.
type postReads map[string]int

// next counts one more read of id and returns the count.
func (r *postReads) next(id string) int {
	if *r == nil {
		*r = postReads{}
	}
	(*r)[id]++
	return (*r)[id]
}
